import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { silentLogger } from '../types.ts';
import { teleportSource } from './index.ts';
import { teleportSchema } from './schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ctx = { now: new Date('2026-11-20T12:00:00Z'), log: silentLogger, baseDir: here };
const roles = {
  'prod-k8s-admin': [{ system: 'kubernetes', target: 'prod-eu', privilege: 'ClusterRole/cluster-admin' }],
  'aws-prod-admin': [
    { system: 'aws', target: '111122223333', privilege: 'AdministratorAccess' },
    { system: 'aws', target: '444455556666', privilege: 'AdministratorAccess' },
  ],
};
const load = (section: unknown) => teleportSource.load(teleportSchema.parse(section), ctx);
const request = (suffix: string) => `018f6d2e-5a7b-7c3d-9e1f-2a3b4c5d6e${suffix}`;

describe('Teleport access requests as ledger rows', () => {
  it('gives each approved request one row per access of each mapped role', async () => {
    const { grants, coverage } = await load({ exports: ['__fixtures__/requests.json'], roles, emailDomain: 'example.com' });
    expect(grants.map((grant) => grant.id)).toEqual([
      `teleport:${request('01')}:prod-k8s-admin`,
      `teleport:${request('02')}:prod-k8s-admin`,
      `teleport:${request('02')}:aws-prod-admin#1`,
      `teleport:${request('02')}:aws-prod-admin#2`,
    ]);
    expect(grants[0]).toEqual({
      id: `teleport:${request('01')}:prod-k8s-admin`, subject: 'alice@example.com', system: 'kubernetes', target: 'prod-eu', resource: '*', privilege: 'ClusterRole/cluster-admin',
      start: '2026-11-20T09:00:00.000Z', end: '2026-11-20T12:55:00.000Z', kind: 'temporary', approver: 'carol@example.com', ticket: 'INC-2231',
      reason: 'incident INC-2231', source: 'requests.json:2', tool: 'Teleport',
    });
    // A bare user name takes the domain; the access began with the last approving review.
    expect(grants[2]).toMatchObject({ subject: 'bob@example.com', target: '111122223333', start: '2026-11-19T07:06:00.000Z', approver: 'carol@example.com' });
    // Denied and pending requests give nothing; an approved role nobody mapped is noted, not guessed.
    expect(coverage).toEqual([{ system: 'ledger', target: 'teleport:requests.json', status: 'ok', notes: ['roles not in teleport.roles, so not in the ledger: db-readonly'] }]);
  });

  it('reads a user name that is not an email as partial coverage unless emailDomain says how', async () => {
    const { grants, coverage } = await load({ exports: ['__fixtures__/requests.json'], roles });
    expect(grants.some((grant) => grant.subject.startsWith('bob'))).toBe(false);
    expect(coverage[0]).toMatchObject({ status: 'partial', error: 'users that are not emails (set teleport.emailDomain): bob' });
  });

  it('accepts state names as well as numbers, and rejects what it cannot read with file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-teleport-'));
    const spec = { user: 'a@example.com', roles: ['prod-k8s-admin'], created: '2026-11-20T08:00:00Z', expires: '2026-11-20T10:00:00Z' };
    writeFileSync(join(dir, 'named.json'), JSON.stringify([{ kind: 'access_request', metadata: { name: 'r1' }, spec: { ...spec, state: 'APPROVED' } }]));
    expect((await load({ exports: [join(dir, 'named.json')], roles })).grants).toHaveLength(1);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ kind: 'access_request', metadata: { name: 'r2' }, spec: { ...spec, state: 9, expires: 'tomorrow' } }], null, 2));
    const error = await load({ exports: [join(dir, 'bad.json')], roles }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toEqual([
      expect.stringMatching(/bad\.json:13: spec\.expires: expected ISO 8601 time with an offset, got "tomorrow"/),
      expect.stringMatching(/bad\.json:14: spec\.state: expected a request state/),
    ]);
  });
});
