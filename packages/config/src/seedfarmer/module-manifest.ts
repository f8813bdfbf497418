import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { ConfigError, issuesFromZod, type ConfigIssue } from '../errors';
import { normalizeParameterName } from '../loader';
import { valueRefSchema } from './value-ref';

/**
 * One module parameter: `{ name, value }` or `{ name, valueFrom: { ... } }`.
 */
export const moduleParameterSchema = z
  .strictObject({
    name: z.string().min(1),
    value: z.unknown().optional(),
    valueFrom: valueRefSchema.optional(),
  })
  .superRefine((parameter, ctx) => {
    const hasValue = parameter.value !== undefined && parameter.value !== null;
    if (hasValue === (parameter.valueFrom !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: hasValue
          ? `parameter ${parameter.name} has both value and valueFrom; keep one`
          : `parameter ${parameter.name} needs a value or a valueFrom`,
      });
    }
  });

/**
 * A module parameter.
 */
export type ModuleParameter = z.output<typeof moduleParameterSchema>;

/**
 * One module of a group manifest (one YAML document).
 */
export const moduleManifestSchema = z
  .strictObject({
    name: z.string().min(1),
    path: z.string().min(1),
    targetAccount: z.string().min(1).optional(),
    targetRegion: z.string().min(1).optional(),
    parameters: z.array(moduleParameterSchema).default([]),
    dataFiles: z.array(z.strictObject({ filePath: z.string().min(1) })).optional(),
    codebuildImage: z.string().min(1).optional(),
    npmMirror: z.string().min(1).optional(),
    npmMirrorSecret: z.string().min(1).optional(),
    pypiMirror: z.string().min(1).optional(),
    pypiMirrorSecret: z.string().min(1).optional(),
  })
  .superRefine((module, ctx) => {
    const seen = new Map<string, string>();
    module.parameters.forEach((parameter, index) => {
      const envName = normalizeParameterName(parameter.name).toUpperCase();
      const previous = seen.get(envName);
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', index, 'name'],
          message: `"${previous}" and "${parameter.name}" both become SEEDFARMER_PARAMETER_${envName}; rename one`,
        });
      }
      seen.set(envName, parameter.name);
    });
  });

/**
 * A validated module manifest.
 */
export type ModuleManifest = z.output<typeof moduleManifestSchema>;

/**
 * Parses the multi-document YAML of a group manifest into its modules. Empty documents are
 * skipped. Every problem of every document is thrown as one {@link ConfigError}; paths start
 * with the document index, e.g. `[1].parameters[0].valueFrom`.
 *
 * @param text the YAML text
 * @param source names the text in the error
 */
export function parseModuleManifests(text: string, source = 'module manifest'): ModuleManifest[] {
  const issues: ConfigIssue[] = [];
  const modules: ModuleManifest[] = [];
  const names = new Map<string, number>();
  parseAllDocuments(text).forEach((document, index) => {
    const prefix = `[${index}]`;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        issues.push({ path: prefix, received: undefined, message: `is not valid YAML: ${error.message.split('\n')[0]}` });
      }
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) {
      return;
    }
    const result = moduleManifestSchema.safeParse(value);
    if (!result.success) {
      issues.push(...issuesFromZod(result.error, value, prefix, { schema: moduleManifestSchema, noun: 'key' }));
      return;
    }
    const earlier = names.get(result.data.name);
    if (earlier !== undefined) {
      issues.push({
        path: `${prefix}.name`,
        received: result.data.name,
        message: `document [${earlier}] already defines a module with this name; module names must be unique in a group`,
      });
    }
    names.set(result.data.name, index);
    modules.push(result.data);
  });
  if (issues.length > 0) {
    throw new ConfigError(source, issues);
  }
  return modules;
}
