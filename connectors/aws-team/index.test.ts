import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoFake } from '../../src/sim/dynamodb/server.ts';
import type { FakeServer } from '../../src/sim/server.ts';
import { InputError } from '../../src/errors.ts';
import { untyped } from '../files/export.ts';
import { silentLogger } from '../types.ts';
import { awsTeamSource } from './index.ts';
import { awsTeamSchema } from './schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sample = join(here, '__fixtures__', 'team-requests.json');
const ctx = { now: new Date('2026-11-20T12:00:00Z'), log: silentLogger, baseDir: here };
const load = (section: unknown) => awsTeamSource.load(awsTeamSchema.parse(section), ctx);
const id = (suffix: string) => `aws-team:0f4c2a8e-1b61-4d5f-9a77-2d0c1e5b7a${suffix}`;

describe('AWS TEAM requests as ledger rows', () => {
  it('turns each request of an exported table into its ledger row, by status', async () => {
    const { grants, coverage } = await load({ exports: ['__fixtures__/team-requests.json'] });
    expect(coverage).toEqual([{ system: 'ledger', target: 'aws-team:team-requests.json', status: 'ok' }]);
    const row = (suffix: string) => grants.find((grant) => grant.id === id(suffix));
    // Ended normally: its window, its approver and ticket; the subject's email lower-cased.
    expect(row('01')).toEqual({
      id: id('01'), subject: 'dana.fischer@example.com', system: 'aws', target: '111122223333', resource: '*', privilege: 'AdministratorAccess',
      start: '2026-11-20T08:00:00.000Z', end: '2026-11-20T12:00:00.000Z', kind: 'temporary', approver: 'lead@example.com', ticket: 'OPS-4411',
      reason: 'deploy hotfix', source: 'team-requests.json:3', tool: 'AWS TEAM',
    });
    // In progress inside its window: no note needed yet; still "in progress" after it: the revocation is stuck.
    expect(row('02')).toMatchObject({ start: '2026-11-20T11:00:00.000Z', end: '2026-11-20T19:00:00.000Z' });
    expect(row('07')?.toolNote).toMatch(/still shows request .*b7a07 "in progress": its revocation is stuck/);
    expect(row('03')).toMatchObject({ privilege: 'PowerUserAccess', end: '2026-11-19T11:00:00.000Z', toolNote: expect.stringMatching(/in "error": its revocation failed/) });
    expect(row('04')).toMatchObject({ target: '444455556666', revokedAt: '2026-11-18T15:30:00.000Z' });
    expect(row('06')).toMatchObject({ start: '2026-11-21T09:00:00.000Z', end: '2026-11-21T11:00:00.000Z' });
    // The approvers list names who could approve, not who did: a request without `approver` has none.
    expect(row('11')).toMatchObject({ approver: 'ana.ruiz@example.com' });
    expect(row('11')?.ticket).toBeUndefined();
    // Pending, rejected, expired (unapproved in time) and cancelled requests gave no access.
    expect(grants.map((grant) => grant.id.slice(-2)).sort()).toEqual(['01', '02', '03', '04', '06', '07', '11']);
  });

  it('reads the same rows from the live table with a paged Scan', async () => {
    const exported = JSON.parse(readFileSync(sample, 'utf8')) as { Items: Record<string, unknown>[] };
    const fake = await startDynamoFake({ tables: { 'TEAM-requests': exported.Items.map((item) => untyped(item) as Record<string, unknown>) }, pageSize: 3 });
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', AWS_PROFILE: '' });
    try {
      const live = await load({ table: 'TEAM-requests' });
      const fromFile = await load({ exports: [sample] });
      expect(live.coverage).toEqual([{ system: 'ledger', target: 'aws-team:TEAM-requests', status: 'ok' }]);
      const withoutSource = (grants: typeof live.grants) => grants.map(({ source: _source, ...grant }) => grant);
      expect(withoutSource(live.grants)).toEqual(withoutSource(fromFile.grants));
      expect(live.grants[0]?.source).toBe('aws-team table TEAM-requests');
      expect(fake.calls.byOperation.get('Scan')).toBe(4);
    } finally {
      process.env = saved;
      await fake.close();
    }
  });

  describe('a table it cannot read', () => {
    let fake: FakeServer;
    const saved = { ...process.env };
    beforeAll(async () => {
      fake = await startDynamoFake({ tables: {}, denied: true });
      Object.assign(process.env, { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', AWS_PROFILE: '' });
    });
    afterAll(async () => {
      process.env = saved;
      await fake.close();
    });

    it('is a failed coverage row with the reason, never an empty ledger', async () => {
      const result = await load({ table: 'TEAM-requests' });
      expect(result.grants).toEqual([]);
      expect(result.coverage).toEqual([{ system: 'ledger', target: 'aws-team:TEAM-requests', status: 'failed', error: expect.stringMatching(/not authorized to perform: dynamodb:Scan/) }]);
    });
  });

  it('fails a table whose paging repeats a key, instead of paging forever', async () => {
    const exported = JSON.parse(readFileSync(sample, 'utf8')) as { Items: Record<string, unknown>[] };
    const fake = await startDynamoFake({ tables: { 'TEAM-requests': exported.Items.map((item) => untyped(item) as Record<string, unknown>) }, pageSize: 3, repeatKey: true });
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', AWS_PROFILE: '' });
    try {
      const result = await load({ table: 'TEAM-requests' });
      expect(result.grants).toEqual([]);
      expect(result.coverage).toEqual([{ system: 'ledger', target: 'aws-team:TEAM-requests', status: 'failed', error: expect.stringContaining('repeats an earlier LastEvaluatedKey') }]);
      expect(fake.calls.byOperation.get('Scan')).toBe(2);
    } finally {
      process.env = saved;
      await fake.close();
    }
  });

  it('rejects a malformed export naming the file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-team-'));
    const items = [
      { id: { S: 'r1' }, email: { S: 'not-an-email' }, accountId: { S: '111122223333' }, role: { S: 'Admin' }, startTime: { S: '2026-11-20T08:00:00Z' }, duration: { S: '2' }, status: { S: 'ended' } },
      { id: { S: 'r2' }, email: { S: 'a@example.com' }, accountId: { S: '111122223333' }, role: { S: 'Admin' }, startTime: { S: '2026-11-20T08:00:00' }, duration: { S: 'two' }, status: { S: 'done' } },
    ];
    writeFileSync(join(dir, 'requests.json'), JSON.stringify({ Items: items }, null, 2));
    writeFileSync(join(dir, 'broken.json'), '{"Items": [');
    const error = await load({ exports: [join(dir, 'requests.json'), join(dir, 'broken.json')] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems.join('\n');
    expect(problems).toMatch(/broken\.json:1: syntax error/);
    expect(problems).toMatch(/requests\.json:7: email: expected an email address, got "not-an-email"/);
    expect(problems).toMatch(/requests\.json:\d+: startTime: expected ISO 8601 time with an offset/);
    expect(problems).toMatch(/requests\.json:\d+: duration: expected a positive number of hours/);
    expect(problems).toMatch(/requests\.json:\d+: status: expected one of pending, approved/);
  });

  it('needs a table or an export', () => {
    expect(() => awsTeamSchema.parse({})).toThrow(/name a table or at least one export file/);
  });
});
