// `dutybound scan` and `permissions` with an aws: section, as a user runs them.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake } from '../../src/sim/aws/server.ts';
import { findRealData } from '../realdata.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repoRoot, 'connectors/aws/__fixtures__');
const realFile = findRealData('awsAuthorizationDetails', 'the third-party AWS export case of test/aws/cli.test.ts');
const NOW = '2026-11-20T12:00:00Z';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'src/cli.ts'), ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
const tmp = () => mkdtempSync(join(tmpdir(), 'dutybound-aws-cli-'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

let fake: AwsFake | undefined;
afterAll(() => fake?.close());

describe('dutybound scan with aws:', () => {
  const scanExport = async (account: string, authorizationDetails: string, credentialReport: string) => {
    const dir = tmp();
    copyFileSync(credentialReport, join(dir, 'report.csv'));
    writeFileSync(join(dir, 'dutybound.yaml'), `aws:\n  exports:\n    - account: "${account}"\n      authorizationDetails: ${JSON.stringify(authorizationDetails)}\n      credentialReport: report.csv\n`);
    const run = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--now', NOW, '--out', join(dir, 'out'), '--format', 'json', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = readJson(join(dir, 'out', 'report.json'));
    expect(report.complete).toBe(true);
    expect(report.coverage).toEqual([expect.objectContaining({ system: 'aws', target: account, status: 'ok' })]);
    return (rule: string) => report.findings.filter((f: { rule: string }) => f.rule === rule);
  };
  const principals = (findings: { principal: string }[]) => findings.map((f) => f.principal);

  it('runs the rules on an exported account', async () => {
    const of = await scanExport('111122223333', join(fixtures, 'authorization-details.json'), join(fixtures, 'credential-report-111122223333.csv'));
    const arn = (name: string) => `aws:arn:aws:iam::111122223333:${name}`;
    // AdministratorAccess counts as privileged by name (the config's defaults), even where a Deny or
    // a boundary defuses it today (lena.bauer, quarantined-contractor); svc-metrics's NotAction does not.
    expect(principals(of('standing-privilege')).sort()).toEqual(
      ['role/break-glass-admin', 'role/ci-deployer', 'user/dana.fischer', 'user/lena.bauer', 'user/omar.haddad', 'user/quarantined-contractor', 'user/svc-backup', 'user/svc-policy-sync', 'user/svc-reporting'].map(arn),
    );
    // svc-backup's key was never used and is older than the unused window; ci-legacy's is five years old.
    expect(of('unused-credential').map((f: { credential: string }) => f.credential)).toContain(`${arn('user/svc-backup')}/access-key/2023-07-21T07:50:00.000Z`);
    expect(of('stale-credential').map((f: { credential: string }) => f.credential)).toContain(`${arn('user/ci-legacy')}/access-key/2021-09-30T13:05:00.000Z`);
  });

  it.runIf(realFile)('runs the rules on a third-party exported account', async () => {
    const of = await scanExport('200611803367', realFile!, join(fixtures, 'credential-report.csv'));
    expect(principals(of('standing-privilege'))).toEqual(expect.arrayContaining(['aws:arn:aws:iam::012345678901:user/obama', 'aws:arn:aws:iam::200611803367:role/privesc-sre-role']));
    expect(of('standing-privilege').some((f: { principal: string }) => f.principal.includes('fp1-allow-and-deny'))).toBe(false);
    // biden's second key was never used and is older than the unused window.
    expect(of('unused-credential').map((f: { credential: string }) => f.credential)).toContain('aws:arn:aws:iam::012345678901:user/biden/access-key/2023-01-10T00:00:00.000Z');
  });

  it('exits 3 when one account of the Organization denies access, with the others complete', async () => {
    const estate = createAwsEstate(41, { accounts: 3, principalsPerAccount: 6 });
    const denied = estate.accounts[2]!.id;
    fake = await startAwsFake(estate, { now: () => new Date(NOW), faults: { deniedAccounts: [denied], reportPolls: 0 } });
    const dir = tmp();
    writeFileSync(join(dir, 'dutybound.yaml'), 'aws:\n  organization: { enabled: true }\n');
    const run = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--now', NOW, '--out', join(dir, 'out'), '--format', 'json', '--quiet'], {
      AWS_ENDPOINT_URL: fake.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: '',
    });
    expect(run.code).toBe(3);
    const report = readJson(join(dir, 'out', 'report.json'));
    expect(report.complete).toBe(false);
    expect(report.coverage.map((c: { target: string; status: string }) => [c.target, c.status])).toEqual([
      [estate.accounts[0]!.id, 'ok'],
      [estate.accounts[1]!.id, 'ok'],
      [denied, 'failed'],
    ]);
    expect(report.coverage[2].error).toMatch(/sts:AssumeRole .*AccessDenied/);
    expect(report.findings.some((f: { target: string }) => f.target === estate.accounts[1]!.id)).toBe(true);
  });

  it('prints the least-privilege policies', async () => {
    const scan = await cli(['permissions', 'aws']);
    expect(scan.code).toBe(0);
    const policy = JSON.parse(scan.stdout);
    expect(policy.Statement[0].Action).toEqual(expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport']));
    expect(policy.Statement[0].Action).not.toContain('iam:DetachUserPolicy');
  });
});
