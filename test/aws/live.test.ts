// Live collection against the fake AWS: equal to export import of the same estate, paged,
// resilient to throttling, and one failed account leaves the others complete.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAws, type AwsCollectOptions } from '../../connectors/aws/collect.ts';
import { awsSchema, type AwsConfigInput } from '../../connectors/aws/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createAwsEstate, writeAwsExports, type FakeAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake, type AwsFaults } from '../../src/sim/aws/server.ts';

const now = new Date('2026-11-20T12:00:00Z');
const ctx = { now, log: silentLogger, baseDir: '/' };
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const start = async (estate: FakeAwsEstate, faults?: AwsFaults, latencyMs?: number) => {
  fake = await startAwsFake(estate, { now: () => now, faults, latencyMs });
  return fake;
};
const live = (section: AwsConfigInput, options: AwsCollectOptions = {}) =>
  collectAws(awsSchema.parse(section), ctx, { endpoint: fake!.url, credentials, reportPollMs: 5, ...options });

describe('live collection against the fake', () => {
  it('equals export import of the same estate', async () => {
    const estate = createAwsEstate(11, { accounts: 3, principalsPerAccount: 16 });
    await start(estate);
    const fromApi = await live({ organization: { enabled: true } });
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-aws-exports-'));
    const fromFiles = await collectAws(awsSchema.parse({ exports: await writeAwsExports(estate, dir) }), ctx);
    expect(fromApi.coverage.map((c) => [c.target, c.status])).toEqual(estate.accounts.map((a) => [a.id, 'ok']));
    expect(fromApi.principals.length).toBeGreaterThan(40);
    expect(fromApi.entitlements.some((e) => e.level === 'admin' && e.privileged)).toBe(true);
    expect(fromApi.credentials.some((c) => c.kind === 'access-key' && c.lastUsedAt === null)).toBe(true);
    expect(fromApi.principals).toEqual(fromFiles.principals);
    expect(fromApi.entitlements).toEqual(fromFiles.entitlements);
    expect(fromApi.credentials).toEqual(fromFiles.credentials);
    expect(fromApi.coverage).toEqual(fromFiles.coverage);
    // The cheapest complete collection: no per-user calls.
    for (const account of estate.accounts.slice(1)) expect(fake!.callsByAccount.get(account.id)).toBe(1 + 4);
    expect(fake!.calls.byOperation.get('iam:ListAccessKeys')).toBeUndefined();
  });

  it('reads every page, at and across page boundaries', async () => {
    const estate = createAwsEstate(5, { accounts: 1, principalsPerAccount: 10 });
    const account = estate.accounts[0]!;
    const items = () => account.users.length + account.groups.length + account.roles.length + account.policies.length;
    for (const pageSize of [items(), items() - 1, Math.ceil(items() / 3), 1]) {
      await start(estate);
      const result = await live({ accounts: [account.id] }, { pageSize });
      expect(result.principals.map((p) => p.name), `pageSize ${pageSize}`).toEqual(expect.arrayContaining(account.users.map((u) => u.name)));
      expect(result.principals.filter((p) => p.kind === 'group')).toHaveLength(account.groups.length);
      expect(result.principals.filter((p) => p.kind === 'role')).toHaveLength(account.roles.length - 1);
      expect(fake!.calls.byOperation.get('iam:GetAccountAuthorizationDetails')).toBe(Math.ceil(items() / pageSize));
      await fake!.close();
      fake = undefined;
    }
  });

  it('lists the Organization across pages and skips excluded and suspended accounts', async () => {
    const estate = createAwsEstate(6, { accounts: 5, principalsPerAccount: 4 });
    estate.accounts[2]!.status = 'SUSPENDED';
    await start(estate);
    const result = await live({ organization: { enabled: true, exclude: [estate.accounts[3]!.id] } }, { pageSize: 2 });
    expect(result.coverage.map((c) => c.target)).toEqual([estate.accounts[0]!.id, estate.accounts[1]!.id, estate.accounts[4]!.id]);
    expect(fake!.calls.byOperation.get('organizations:ListAccounts')).toBe(3);
  });

  it('recovers from throttling with adaptive retry', async () => {
    const estate = createAwsEstate(8, { accounts: 2, principalsPerAccount: 8 });
    await start(estate, { throttle: { operations: ['organizations:ListAccounts', 'sts:AssumeRole', 'iam:GetAccountAuthorizationDetails'], times: 1 } });
    const result = await live({ organization: { enabled: true } });
    expect(result.coverage.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(result.credentials.length).toBeGreaterThan(0);
    expect(fake!.calls.byOperation.get('iam:GetAccountAuthorizationDetails')).toBe(2 + 1);
    expect(fake!.calls.byOperation.get('sts:AssumeRole')).toBe(2 + 1);
    expect(fake!.calls.byOperation.get('organizations:ListAccounts')).toBe(1 + 1);
  });

  it('gives up on an account after maxAttempts and reports it failed', async () => {
    const estate = createAwsEstate(8, { accounts: 2, principalsPerAccount: 4 });
    await start(estate, { throttle: { operations: ['iam:GetAccountAuthorizationDetails'], times: 3 } });
    const result = await live({ accounts: [estate.accounts[1]!.id], maxAttempts: 2 });
    expect(result.coverage).toEqual([{ system: 'aws', target: estate.accounts[1]!.id, status: 'failed', error: expect.stringMatching(/^iam:GetAccountAuthorizationDetails: Throttling: Rate exceeded/) }]);
    expect(result.principals).toEqual([]);
  });

  it('leaves the other accounts complete when one denies AssumeRole', async () => {
    const estate = createAwsEstate(9, { accounts: 3, principalsPerAccount: 6 });
    const denied = estate.accounts[1]!.id;
    await start(estate, { deniedAccounts: [denied] });
    const result = await live({ organization: { enabled: true } });
    expect(result.coverage).toEqual([
      expect.objectContaining({ target: estate.accounts[0]!.id, status: 'ok' }),
      { system: 'aws', target: denied, status: 'failed', error: expect.stringMatching(new RegExp(`^sts:AssumeRole arn:aws:iam::${denied}:role/DutyboundReadOnly: AccessDenied: .*not authorized`)) },
      expect.objectContaining({ target: estate.accounts[2]!.id, status: 'ok' }),
    ]);
    expect(result.principals.some((p) => p.target === denied)).toBe(false);
    expect(new Set(result.principals.map((p) => p.target))).toEqual(new Set([estate.accounts[0]!.id, estate.accounts[2]!.id]));
  });

  it('marks an account partial when its credential report is denied', async () => {
    const estate = createAwsEstate(9, { accounts: 1, principalsPerAccount: 6 });
    await start(estate, { deniedOperations: ['iam:GenerateCredentialReport'] });
    const result = await live({ accounts: [estate.accounts[0]!.id] });
    expect(result.coverage[0]).toMatchObject({ status: 'partial', error: expect.stringMatching(/^iam:GenerateCredentialReport: AccessDenied: .*\(access keys and console passwords not collected\)$/) });
    expect(result.principals.filter((p) => p.kind === 'user').length).toBeGreaterThan(0);
    expect(result.credentials).toEqual([]);
  });

  it('uses the ExternalId and per-account role names', async () => {
    const estate = { ...createAwsEstate(10, { accounts: 2, principalsPerAccount: 4 }), externalId: 'xyz' };
    await start(estate);
    const [a, b] = estate.accounts;
    const result = await live({ accounts: [a!.id, { id: b!.id, roleName: 'Wrong' }], externalId: 'xyz' });
    expect(result.coverage.map((c) => c.status)).toEqual(['ok', 'failed']);
    const noId = await live({ accounts: [a!.id] });
    expect(noId.coverage[0]!.status).toBe('failed');
  });

  it('reuses a credential report younger than the maximum age', async () => {
    const estate = createAwsEstate(12, { accounts: 1, principalsPerAccount: 4 });
    estate.accounts[0]!.reportGeneratedAt = new Date(now.getTime() - 3_600_000).toISOString();
    await start(estate);
    await live({ accounts: [estate.accounts[0]!.id] });
    expect(fake!.calls.byOperation.get('iam:GetCredentialReport')).toBe(1);
    expect(fake!.calls.byOperation.get('iam:GenerateCredentialReport')).toBeUndefined();
    fake!.resetCalls();
    await live({ accounts: [estate.accounts[0]!.id], credentialReportMaxAgeHours: 0.5 });
    // Stale for dutybound, but IAM itself keeps a report younger than 4 hours: COMPLETE at once.
    expect(fake!.calls.byOperation.get('iam:GenerateCredentialReport')).toBe(1);
    expect(fake!.calls.byOperation.get('iam:GetCredentialReport')).toBe(2);
  });

  it('resolves real access key ids on request, one call per user with a key', async () => {
    const estate = createAwsEstate(13, { accounts: 1, principalsPerAccount: 10 });
    await start(estate);
    const result = await live({ accounts: [estate.accounts[0]!.id], resolveAccessKeyIds: true });
    const withKeys = estate.accounts[0]!.users.filter((u) => u.keys.length);
    expect(fake!.calls.byOperation.get('iam:ListAccessKeys')).toBe(withKeys.length);
    const keyIds = result.credentials.filter((c) => c.kind === 'access-key').map((c) => c.id).sort();
    expect(keyIds).toEqual(withKeys.flatMap((u) => u.keys.map((k) => k.id)).sort());
  });

  it("collects the caller's own account without AssumeRole when nothing else is configured", async () => {
    const estate = createAwsEstate(14, { accounts: 2, principalsPerAccount: 4 });
    await start(estate);
    const result = await live({});
    expect(result.coverage.map((c) => c.target)).toEqual([estate.managementAccount]);
    expect(fake!.calls.byOperation.get('sts:GetCallerIdentity')).toBe(1);
    expect(fake!.calls.byOperation.get('sts:AssumeRole')).toBeUndefined();
  });

  it('reaches the fake through AWS_ENDPOINT_URL and env credentials', async () => {
    const estate = createAwsEstate(15, { accounts: 1, principalsPerAccount: 4 });
    await start(estate);
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL: fake!.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    delete process.env.AWS_PROFILE;
    try {
      const result = await collectAws(awsSchema.parse({ accounts: [estate.accounts[0]!.id] }), ctx, { reportPollMs: 5 });
      expect(result.coverage).toEqual([expect.objectContaining({ target: estate.accounts[0]!.id, status: 'ok' })]);
      expect(fake!.calls.byOperation.get('iam:GetAccountAuthorizationDetails')).toBe(1);
    } finally {
      process.env = saved;
    }
  });
});
