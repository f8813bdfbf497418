import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { aws_events as events } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { assertValidPattern, matchesEventPattern, renderEventPattern } from '../src';

// Modelled on the EC2 example event of the EventBridge user guide.
const EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: DUMMY_ACCOUNTS.tooling,
  time: '2017-12-22T18:43:48Z',
  region: 'eu-west-1',
  resources: [`arn:aws:ec2:eu-west-1:${DUMMY_ACCOUNTS.tooling}:instance/i-1234567890abcdef0`, `arn:aws:ec2:eu-west-1:${DUMMY_ACCOUNTS.tooling}:volume/vol-1`],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'running',
    'c-count': 5,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'source-ipv6': '2001:db8::1',
    FileName: 'photos/Cat.PNG',
    enabled: true,
    responseElements: null,
    eventVersion: '',
    tags: ['prod', 'ml'],
    nested: { level: { deep: 'value' } },
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
  },
};

function matches(pattern: object): boolean {
  return matchesEventPattern(pattern, EVENT);
}

describe('matchesEventPattern', () => {
  describe('exact values', () => {
    it('requires every pattern field to match (AND)', () => {
      // GIVEN / WHEN / THEN
      expect(matches({ source: ['aws.ec2'], detail: { state: ['running'] } })).toBe(true);
      expect(matches({ source: ['aws.ec2'], detail: { state: ['stopped'] } })).toBe(false);
    });

    it('treats the values of a leaf array as alternatives (OR)', () => {
      expect(matches({ detail: { state: ['pending', 'running'] } })).toBe(true);
      expect(matches({ detail: { state: ['pending', 'stopped'] } })).toBe(false);
    });

    it('matches an array-valued event field when any element matches', () => {
      expect(matches({ resources: [`arn:aws:ec2:eu-west-1:${DUMMY_ACCOUNTS.tooling}:volume/vol-1`] })).toBe(true);
      expect(matches({ detail: { tags: ['ml'] } })).toBe(true);
      expect(matches({ detail: { tags: ['dev'] } })).toBe(false);
    });

    it('matches numbers numerically and never coerces strings to numbers', () => {
      expect(matches({ detail: { 'c-count': [5] } })).toBe(true);
      expect(matches({ detail: { 'x-limit': [3.018e2] } })).toBe(true);
      expect(matches({ detail: { 'c-count': ['5'] } })).toBe(false);
    });

    it('matches booleans, null and the empty string without mixing them up', () => {
      expect(matches({ detail: { enabled: [true] } })).toBe(true);
      expect(matches({ detail: { enabled: ['true'] } })).toBe(false);
      expect(matches({ detail: { responseElements: [null] } })).toBe(true);
      expect(matches({ detail: { responseElements: [''] } })).toBe(false);
      expect(matches({ detail: { eventVersion: [''] } })).toBe(true);
      expect(matches({ detail: { eventVersion: [null] } })).toBe(false);
    });

    it('is case-sensitive', () => {
      expect(matches({ detail: { state: ['RUNNING'] } })).toBe(false);
    });

    it('does not match a field missing from the event', () => {
      expect(matches({ detail: { missing: ['x'] } })).toBe(false);
      expect(matches({ other: { field: ['x'] } })).toBe(false);
    });

    it('matches nested objects', () => {
      expect(matches({ detail: { nested: { level: { deep: ['value'] } } } })).toBe(true);
      expect(matches({ detail: { nested: { level: { deep: ['other'] } } } })).toBe(false);
    });

    it('matches fields of objects in arrays only within the same element', () => {
      expect(matches({ detail: { employees: { firstName: ['Anna'] } } })).toBe(true);
      expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } })).toBe(true);
      expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } })).toBe(false);
    });

    it('reads a CDK-style detailType key as detail-type', () => {
      expect(matches({ detailType: ['EC2 Instance State-change Notification'] })).toBe(true);
      expect(matches({ detailType: ['Other'] })).toBe(false);
    });
  });

  describe('string operators', () => {
    it('prefix matches the start of string values only', () => {
      expect(matches({ time: [{ prefix: '2017-12-22' }] })).toBe(true);
      expect(matches({ time: [{ prefix: '2018' }] })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
    });

    it('prefix with equals-ignore-case ignores the case', () => {
      expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.E' } }] })).toBe(true);
      expect(matches({ source: [{ prefix: 'AWS.E' }] })).toBe(false);
    });

    it('suffix, also with equals-ignore-case', () => {
      expect(matches({ detail: { FileName: [{ suffix: '.PNG' }] } })).toBe(true);
      expect(matches({ detail: { FileName: [{ suffix: '.png' }] } })).toBe(false);
      expect(matches({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } })).toBe(true);
    });

    it('equals-ignore-case', () => {
      expect(matches({ detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'equals-ignore-case': 'RUN' }] } })).toBe(false);
    });

    it('wildcard, with escaped asterisks', () => {
      expect(matches({ detail: { FileName: [{ wildcard: 'photos/*.PNG' }] } })).toBe(true);
      expect(matches({ detail: { FileName: [{ wildcard: '*/Dog*' }] } })).toBe(false);
      expect(matchesEventPattern({ a: [{ wildcard: 'x\\*y' }] }, { a: 'x*y' })).toBe(true);
      expect(matchesEventPattern({ a: [{ wildcard: 'x\\*y' }] }, { a: 'xzy' })).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('excludes a single string or number', () => {
      expect(matches({ detail: { state: [{ 'anything-but': 'stopped' }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': 5 }] } })).toBe(false);
    });

    it('excludes a list', () => {
      expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'pending'] }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } })).toBe(false);
    });

    it('excludes by prefix, suffix, wildcard and equals-ignore-case', () => {
      expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } })).toBe(false);
      expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'stop' } }] } })).toBe(true);
      expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } })).toBe(false);
      expect(matches({ detail: { FileName: [{ 'anything-but': { wildcard: 'photos/*' } }] } })).toBe(false);
      expect(matches({ detail: { FileName: [{ 'anything-but': { wildcard: ['docs/*', 'lib/*'] } }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING'] } }] } })).toBe(false);
    });

    it('does not match a missing field', () => {
      expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
    });

    it('matches an array field when any element is not excluded', () => {
      expect(matches({ detail: { tags: [{ 'anything-but': 'prod' }] } })).toBe(true);
      expect(matches({ detail: { tags: [{ 'anything-but': ['prod', 'ml'] }] } })).toBe(false);
    });
  });

  describe('numeric', () => {
    it('compares with =, <, <=, > and >=', () => {
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>=', 5] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 5] }] } })).toBe(false);
      expect(matches({ detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } })).toBe(true);
      expect(matches({ detail: { 'x-limit': [{ numeric: ['<', 300] }] } })).toBe(false);
    });

    it('only matches number values', () => {
      expect(matchesEventPattern({ n: [{ numeric: ['>', 0] }] }, { n: '5' })).toBe(false);
    });
  });

  describe('exists', () => {
    it('exists: true matches a present leaf, including null', () => {
      expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
      expect(matches({ detail: { responseElements: [{ exists: true }] } })).toBe(true);
      expect(matches({ detail: { missing: [{ exists: true }] } })).toBe(false);
    });

    it('exists: false matches a missing field, and an object (not a leaf)', () => {
      expect(matches({ detail: { missing: [{ exists: false }] } })).toBe(true);
      expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
      expect(matches({ detail: { nested: [{ exists: false }] } })).toBe(true);
      expect(matches({ absent: { deeper: [{ exists: false }] } })).toBe(true);
    });

    it('exists: false fails when any array element holds the field', () => {
      expect(matches({ detail: { employees: { firstName: [{ exists: false }] } } })).toBe(false);
      expect(matches({ detail: { employees: { middleName: [{ exists: false }] } } })).toBe(true);
    });

    it('combines with other values as alternatives', () => {
      expect(matches({ detail: { missing: ['x', { exists: false }] } })).toBe(true);
    });
  });

  describe('cidr', () => {
    it('matches IPv4 addresses inside the block', () => {
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
    });

    it('matches IPv6 addresses and never mixes families', () => {
      expect(matches({ detail: { 'source-ipv6': [{ cidr: '2001:db8::/32' }] } })).toBe(true);
      expect(matches({ detail: { 'source-ipv6': [{ cidr: '2001:db9::/32' }] } })).toBe(false);
      expect(matches({ detail: { 'source-ip': [{ cidr: '::/0' }] } })).toBe(false);
      expect(matches({ detail: { state: [{ cidr: '0.0.0.0/0' }] } })).toBe(false);
    });
  });

  describe('$or', () => {
    it('matches when any branch matches, combined with sibling fields', () => {
      // GIVEN
      const pattern = {
        source: ['aws.ec2'],
        detail: { $or: [{ state: ['stopped'] }, { 'c-count': [{ numeric: ['>', 4] }] }] },
      };
      // WHEN / THEN
      expect(matches(pattern)).toBe(true);
      expect(matches({ ...pattern, source: ['aws.s3'] })).toBe(false);
    });

    it('fails when no branch matches', () => {
      expect(matches({ $or: [{ source: ['aws.s3'] }, { detail: { state: ['stopped'] } }] })).toBe(false);
    });

    it('supports nested $or with AND inside a branch', () => {
      const pattern = {
        $or: [
          { source: ['aws.s3'] },
          { region: ['eu-west-1'], $or: [{ detail: { state: ['stopped'] } }, { detail: { enabled: [true] } }] },
        ],
      };
      expect(matches(pattern)).toBe(true);
    });
  });

  describe('CDK Match patterns', () => {
    it('matches once rendered with renderEventPattern', () => {
      // GIVEN
      const pattern: events.EventPattern = {
        source: ['aws.ec2'],
        detailType: events.Match.prefix('EC2 Instance'),
        detail: { 'c-count': events.Match.allOf(events.Match.greaterThan(1), events.Match.lessThan(10)) },
      };
      // WHEN
      const rendered = renderEventPattern(pattern);
      // THEN
      expect(rendered['detail-type']).toEqual([{ prefix: 'EC2 Instance' }]);
      expect(matches(rendered)).toBe(true);
    });

    it('fails when the pattern still holds an unresolved token', () => {
      expect(() => matches({ source: events.Match.prefix('aws.') })).toThrow(/unresolved CDK token.*renderEventPattern/);
    });
  });

  describe('invalid patterns', () => {
    it.each([
      ['an unknown operator', { source: [{ 'starts-with': 'aws' }] }, /unknown operator "starts-with"/],
      ['an unknown anything-but operator', { source: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unknown "anything-but" operator/],
      ['an empty leaf array', { source: [] }, /empty arrays are not allowed/],
      ['a scalar instead of an array', { source: 'aws.ec2' }, /expected an array of match values/],
      ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
      ['a malformed numeric range', { n: [{ numeric: ['>', 1, '>', 2] }] }, /only one lower bound/],
      ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }, /unknown numeric operator/],
      ['a non-boolean exists', { n: [{ exists: 'yes' }] }, /"exists" takes true or false/],
      ['a malformed cidr', { ip: [{ cidr: '10.0.0.0' }] }, /not a CIDR block/],
      ['consecutive wildcards', { f: [{ wildcard: 'a**b' }] }, /consecutive wildcard/],
      ['a mixed anything-but list', { f: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
      ['a $or with one branch', { $or: [{ source: ['aws.ec2'] }] }, /at least two pattern objects/],
    ])('fails when the pattern has %s', (_name, pattern, message) => {
      expect(() => assertValidPattern(pattern)).toThrow(message);
      expect(() => matches(pattern)).toThrow(message);
    });

    it('accepts every operator of the EventBridge reference', () => {
      expect(() =>
        assertValidPattern({
          a: ['x', 1, true, null, { prefix: 'p' }, { prefix: { 'equals-ignore-case': 'p' } }, { suffix: 's' }],
          b: [{ 'equals-ignore-case': 'e' }, { wildcard: 'w*' }, { 'anything-but': { prefix: 'p' } }],
          c: [{ numeric: ['>=', 0, '<', 1] }, { exists: true }, { cidr: '10.0.0.0/8' }],
          $or: [{ d: ['1'] }, { e: ['2'] }],
        }),
      ).not.toThrow();
    });
  });
});
