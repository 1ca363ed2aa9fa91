import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { awsSchema } from './schema.ts';

describe('aws config section', () => {
  it('has a default for everything', () => {
    expect(awsSchema.parse({})).toMatchObject({ accounts: [], organization: { enabled: false, exclude: [] }, roleName: 'DutyboundReadOnly', region: 'us-east-1', concurrency: 4, credentialReportMaxAgeHours: 4, emailTag: 'email', includeServiceLinkedRoles: false });
    expect(awsSchema.parse({}).classifier.adminActions).toEqual(['*', 'iam:*']);
  });

  it('keeps the 12 digits of account ids YAML read as numbers', () => {
    expect(awsSchema.parse({ accounts: [12345678901, { id: 123456789012 }] }).accounts).toEqual(['012345678901', { id: '123456789012' }]);
  });

  it('names the field and what was expected', () => {
    expect(() => parseConfig({ aws: { accounts: ['12345'], organisation: {} } }, 'dutybound.yaml')).toThrow(/aws\.accounts\.0: expected a 12-digit AWS account id[\s\S]*aws: Unrecognized key: "organisation"/);
    expect(() => parseConfig({ aws: { exports: [{ account: '123456789012' }] } }, 'dutybound.yaml')).toThrow(/aws\.exports\.0\.authorizationDetails/);
  });
});
