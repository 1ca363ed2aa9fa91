// `dutybound scan` with a `github:` section, end to end: a real CLI process scanning the fake
// GitHub, and `dutybound permissions github`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from './estate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

let fake: GithubFake;
let dir: string;
beforeAll(async () => {
  fake = await startGithubFake(smallEstate(), { token: 'cli-token' });
  dir = mkdtempSync(join(tmpdir(), 'dutybound-github-cli-'));
  writeFileSync(
    join(dir, 'grants.yaml'),
    '- { id: G-1, subject: github:acme/alice, system: github, target: acme, privilege: org-owner, kind: standing, reviewBy: "2026-06-01T00:00:00Z", approver: cto@acme.example, ticket: SEC-1 }\n',
  );
});
afterAll(() => fake.close());

const config = (extra = '') => {
  const file = join(dir, `dutybound-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `ledger: [grants.yaml]\ngithub:\n  orgs: [acme]\n  baseUrl: ${fake.url}\n  tokenEnv: FAKE_GITHUB_TOKEN\n  requestsPerMinute: 0\n${extra}`);
  return file;
};

describe('dutybound scan with a github section', () => {
  it('scans the org live, reports standing privilege and stale credentials, and says the scan is complete', async () => {
    const out = join(dir, 'out');
    const run = await cli(['scan', '--config', config(), '--now', '2026-01-01T00:00:00Z', '--out', out, '--format', 'json', '--quiet'], { FAKE_GITHUB_TOKEN: 'cli-token' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { complete: boolean; coverage: { target: string; status: string }[]; findings: { rule: string; principal: string; privilege?: string; credential?: string }[] };
    expect(report.complete).toBe(true);
    expect(report.coverage).toContainEqual(expect.objectContaining({ system: 'github', target: 'acme', status: 'ok' }));
    const standing = report.findings.filter((f) => f.rule === 'standing-privilege').map((f) => `${f.principal} ${f.privilege}`);
    expect(standing).toContain('github:acme/bob org-owner');
    expect(standing).toContain('github:acme/vendor-v repo-admin');
    expect(standing).not.toContain('github:acme/alice org-owner'); // covered by the standing grant
    expect(standing).not.toContain('github:acme/dave repo-write'); // write is not privileged
    expect(report.findings.some((f) => f.rule === 'unused-credential' && f.credential === 'github:acme/api/deploy-key/11')).toBe(true);
  });

  it('exits 3 with a partial org when an endpoint is denied', async () => {
    const denied = await startGithubFake(smallEstate(), { token: 'cli-token', faults: { deny: [/\/dependabot\/secrets$/] } });
    try {
      const file = join(dir, 'denied.yaml');
      writeFileSync(file, `github:\n  orgs: [acme]\n  baseUrl: ${denied.url}\n  tokenEnv: FAKE_GITHUB_TOKEN\n  requestsPerMinute: 0\n`);
      const out = join(dir, 'out-denied');
      const run = await cli(['scan', '--config', file, '--now', '2026-01-01T00:00:00Z', '--out', out, '--format', 'json', '--quiet'], { FAKE_GITHUB_TOKEN: 'cli-token' });
      expect(run.code).toBe(3);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { complete: boolean; coverage: { status: string; error?: string }[] };
      expect(report.complete).toBe(false);
      expect(report.coverage[0]).toMatchObject({ status: 'partial', error: expect.stringContaining('Dependabot secrets: 403') });
    } finally {
      await denied.close();
    }
  });

  it('exits 2 when the token variable is not set', async () => {
    const run = await cli(['scan', '--config', config(), '--out', join(dir, 'none'), '--quiet'], { FAKE_GITHUB_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/FAKE_GITHUB_TOKEN is not set/);
  });

  it('prints the GitHub App permissions to scan and to enforce', async () => {
    const scan = await cli(['permissions', 'github']);
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ default_permissions: { members: 'read', administration: 'read' } });
    const enforce = await cli(['permissions', 'github', '--mode', 'enforce']);
    expect(JSON.parse(enforce.stdout)).toMatchObject({ default_permissions: { members: 'write' }, revokers: { 'github-org-owner': { members: 'write' } } });
  });
});
