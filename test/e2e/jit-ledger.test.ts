// Ledger rows from JIT tools, from the user's side: a config naming AWS TEAM, the CLI, the report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untyped } from '../../connectors/files/export.ts';
import { startDynamoFake } from '../../src/sim/dynamodb/server.ts';
import type { FakeServer } from '../../src/sim/server.ts';
import { repoRoot, runCli } from '../fixtures/cli.ts';

const sample = join(repoRoot, 'connectors/aws-team/__fixtures__/team-requests.json');
const ACCOUNT = '111122223333';
const STORE = 'd-9067a1b2c3';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env });

/** An estate where Identity Center users hold permission sets on one account. */
const inventory = (holdings: [user: string, permissionSet: string][]) => {
  const principal = (user: string) => `aws:identitycenter:${STORE}/user/${user}`;
  const users = [...new Set(holdings.map(([user]) => user))];
  return {
    schemaVersion: 1,
    collectedAt: '2026-11-20T12:00:00Z',
    coverage: [{ system: 'aws', target: ACCOUNT, status: 'ok' }],
    principals: users.map((user) => ({ id: principal(user), system: 'aws', target: `identitycenter:${STORE}`, kind: 'identity-center-user', human: true, name: user, email: `${user}@example.com` })),
    entitlements: holdings.map(([user, permissionSet]) => ({
      principal: principal(user), system: 'aws', target: ACCOUNT, resource: '*', privilege: permissionSet, level: 'admin', privileged: true, via: `identity-center/${permissionSet}`,
      ref: { action: 'delete-account-assignment', accountId: ACCOUNT, permissionSet },
    })),
    credentials: [],
  };
};

const scan = async (holdings: [string, string][], team: string, now: string, env: NodeJS.ProcessEnv = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-jit-'));
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory(holdings)));
  writeFileSync(join(dir, 'dutybound.yaml'), `awsTeam:\n${team}`);
  const run = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--inventory', join(dir, 'inventory.json'), '--now', now, '--out', '-', '--format', 'json', '--quiet'], env);
  return { run, report: run.stdout ? (JSON.parse(run.stdout) as { complete: boolean; coverage: { target: string; status: string; unverifiable?: unknown[] }[]; findings: { rule: string; principal: string; grant?: string; message: string; evidence?: Record<string, string> }[] }) : undefined };
};

describe('scan with AWS TEAM as the ledger', () => {
  const exportSection = `  exports: [${JSON.stringify(sample)}]\n`;

  it('reports access still held after a request TEAM shows in error, naming the request and the failed revocation', async () => {
    const { run, report } = await scan([['omar.haddad', 'PowerUserAccess']], exportSection, '2026-11-20T12:00:00Z');
    expect(run.code).toBe(1);
    expect(report!.findings).toEqual([
      expect.objectContaining({
        rule: 'expired-grant',
        grant: 'aws-team:0f4c2a8e-1b61-4d5f-9a77-2d0c1e5b7a03',
        message: expect.stringMatching(/after grant aws-team:\S+7a03 ended\. AWS TEAM shows request \S+7a03 in "error": its revocation failed\.$/),
        evidence: expect.objectContaining({ grant: expect.stringContaining('from AWS TEAM') }),
      }),
    ]);
  });

  it('reports nothing for access an overlapping request still covers after another one ended', async () => {
    const { run, report } = await scan([['dana.fischer', 'AdministratorAccess']], exportSection, '2026-11-20T14:00:00Z');
    expect(report!.findings).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('rejects a malformed export with exit 2, naming file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-jit-'));
    const bad = join(dir, 'team.json');
    writeFileSync(bad, JSON.stringify({ Items: [{ ...(JSON.parse(readFileSync(sample, 'utf8')) as { Items: object[] }).Items[0], status: { S: 'finished' } }] }, null, 2));
    const { run, report } = await scan([['dana.fischer', 'AdministratorAccess']], `  exports: [${JSON.stringify(bad)}]\n`, '2026-11-20T14:00:00Z');
    expect(run.code).toBe(2);
    expect(report).toBeUndefined();
    expect(run.stderr).toMatch(/team\.json:\d+: status: expected one of pending, approved, rejected/);
  });

  describe('with the requests table unreadable', () => {
    let fake: FakeServer;
    beforeAll(async () => {
      fake = await startDynamoFake({ tables: { 'TEAM-requests': [] }, denied: true });
    });
    afterAll(() => fake.close());
    const env = () => ({ AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', AWS_PROFILE: '' });

    it('exits 3 and reports no finding that depends on the ledger it could not read', async () => {
      const { run, report } = await scan([['dana.fischer', 'AdministratorAccess']], '  table: TEAM-requests\n', '2026-11-20T14:00:00Z', env());
      expect(run.code).toBe(3);
      expect(report!.complete).toBe(false);
      expect(report!.coverage).toContainEqual(
        expect.objectContaining({
          target: 'aws-team:TEAM-requests',
          status: 'failed',
          unverifiable: [expect.objectContaining({ rule: 'standing-privilege', principal: `aws:identitycenter:${STORE}/user/dana.fischer`, message: expect.stringMatching(/Not verified: a ledger source covering aws could not be read\.$/) })],
        }),
      );
      expect(report!.findings).toEqual([]);
      expect(run.stderr).toMatch(/1 finding\(s\) left out as unverifiable: a ledger source covering aws could not be read/);
    });

    it('still reports what the ledger decides when the table answers', async () => {
      const items = (JSON.parse(readFileSync(sample, 'utf8')) as { Items: object[] }).Items.map((item) => untyped(item) as Record<string, unknown>);
      const readable = await startDynamoFake({ tables: { 'TEAM-requests': items }, pageSize: 4 });
      try {
        const { run, report } = await scan([['kai.berg', 'AdministratorAccess']], '  table: TEAM-requests\n', '2026-11-20T14:00:00Z', { ...env(), AWS_ENDPOINT_URL: readable.url });
        expect(run.code).toBe(1);
        expect(report!.findings).toEqual([expect.objectContaining({ rule: 'expired-grant', message: expect.stringContaining('"in progress": its revocation is stuck') })]);
      } finally {
        await readable.close();
      }
    });
  });
});
