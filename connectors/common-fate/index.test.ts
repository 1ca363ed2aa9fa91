import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { silentLogger } from '../types.ts';
import { commonFateSource } from './index.ts';
import { commonFateSchema } from './schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ctx = { now: new Date('2026-11-20T12:00:00Z'), log: silentLogger, baseDir: here };
const load = (section: unknown) => commonFateSource.load(commonFateSchema.parse(section), ctx);

describe('Common Fate grants as ledger rows', () => {
  it('turns active and closed grants on mapped targets into ledger rows', async () => {
    const { grants, coverage } = await load({ exports: ['__fixtures__/grants.json'] });
    expect(grants.map((grant) => grant.id)).toEqual(['common-fate:gra_2xY1', 'common-fate:gra_2xY2', 'common-fate:gra_2xY5']);
    expect(grants[0]).toEqual({
      id: 'common-fate:gra_2xY1', subject: 'alice@example.com', system: 'aws', target: '111122223333', resource: '*', privilege: 'AdministratorAccess',
      start: '2026-11-20T09:02:00.000Z', end: '2026-11-20T13:02:00.000Z', kind: 'temporary', approver: 'lead@example.com', ticket: 'req_2xY1',
      reason: 'release 4.2', source: 'grants.json:3', tool: 'Common Fate',
    });
    // Closed before it expired, and its deprovisioning failed: revoked early, and the finding will say why access stayed.
    expect(grants[1]).toMatchObject({ revokedAt: '2026-11-19T09:30:00.000Z', toolNote: 'Common Fate could not deprovision grant gra_2xY2: its revocation failed' });
    // Closed at its expiry: an ordinary end.
    expect(grants[2]?.revokedAt).toBeUndefined();
    expect(coverage).toEqual([{ system: 'ledger', target: 'common-fate:grants.json', status: 'ok', notes: ['1 grant(s) left out: target type GCP::Project'] }]);
  });

  it('maps other target types when configured, and reads snake_case exports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-cf-'));
    const grant = {
      id: 'gra_9', status: 'GRANT_STATUS_ACTIVE', provisioning_status: 'PROVISIONING_STATUS_SUCCESSFUL', expires_at: '2026-11-20T14:00:00Z', activated_at: '2026-11-20T10:00:00Z',
      principal: { eid: { type: 'CF::User', id: 'usr_1' }, name: 'Zoe@Example.com' }, target: { eid: { type: 'GitHub::Org', id: 'acme' } }, role: { eid: { type: 'GitHub::Role', id: 'org-owner' }, name: 'org-owner' },
    };
    writeFileSync(join(dir, 'grants.json'), JSON.stringify([grant]));
    const { grants } = await load({ exports: [join(dir, 'grants.json')], targetTypes: { 'GitHub::Org': 'github' } });
    expect(grants).toEqual([expect.objectContaining({ subject: 'zoe@example.com', system: 'github', target: 'acme', privilege: 'org-owner', start: '2026-11-20T10:00:00.000Z' })]);
  });

  it('rejects a malformed export with file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-cf-'));
    writeFileSync(join(dir, 'grants.json'), JSON.stringify({ grants: [{ id: 'gra_1', status: 'GRANT_STATUS_MAYBE', principal: {}, target: { eid: { type: 'AWS::Account', id: '1' } }, role: { eid: { type: 'r', id: 'r' } }, expiresAt: 'soon' }] }, null, 2));
    const error = await load({ exports: [join(dir, 'grants.json')] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems.join('\n');
    expect(problems).toMatch(/grants\.json:5: status: expected one of GRANT_STATUS_UNSPECIFIED/);
    expect(problems).toMatch(/grants\.json:\d+: principal\.eid: required/);
    expect(problems).toMatch(/grants\.json:\d+: expiresAt: expected ISO 8601 time with an offset, got "soon"/);
  });
});
