/** The six fields of an ARN, before any validation. */
export interface RawArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/**
 * Splits `arn:<partition>:<service>:<region>:<account>:<resource>`; the resource keeps any
 * further colons. Returns `undefined` when the text does not have the six fields.
 */
export function splitArn(text: string): RawArn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return undefined;
  }
  const [, partition, service, region, account, ...rest] = parts;
  return { partition, service, region, account, resource: rest.join(':') };
}

/** The resource type of an ARN resource: `model-package-group/x` -> `model-package-group`. */
export function resourceTypeOf(resource: string): string {
  const match = /^[^/:]*/.exec(resource);
  return match && match[0] !== '' ? match[0] : resource;
}
