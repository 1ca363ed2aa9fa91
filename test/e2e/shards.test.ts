// Sharded scans as the sharded workflow runs them: `collect --only aws:<account>` per account against
// the simulated Organization, then `scan --inventory shard-*.json`, which must equal one whole scan.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake } from '../../src/sim/aws/server.ts';
import { inventory, run } from '../fixtures/nightly.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const NOW = '2026-11-20T12:00:00Z';

let fake: AwsFake;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  fake = await startAwsFake(createAwsEstate(7, { accounts: 3, principalsPerAccount: 8 }), { now: () => new Date(NOW), faults: { reportPolls: 0 } });
  env = { ...process.env, AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_PROFILE: '' };
});
afterAll(() => fake?.close());

const cli = (args: string[], cwd: string): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd, env }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
  });

const withoutGeneratedAt = (path: string) => {
  const { generatedAt: _generatedAt, ...report } = JSON.parse(readFileSync(path, 'utf8'));
  return report;
};

describe('sharded scans', () => {
  it('give the same report merged as one whole scan', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-shards-'));
    writeFileSync(join(dir, 'dutybound.yaml'), 'aws:\n  organization: { enabled: true }\n');
    const whole = await cli(['scan', '--now', NOW, '--out', 'whole', '--format', 'json,md', '--quiet'], dir);
    expect(whole.code).toBe(1);
    const accounts: string[] = withoutGeneratedAt(join(dir, 'whole', 'report.json')).coverage.map((c: { target: string }) => c.target);
    expect(accounts).toHaveLength(3);

    for (const account of accounts) {
      const shard = await cli(['collect', '--only', `aws:${account}`, '--now', NOW, '--out', `shard-aws-${account}.json`, '--quiet'], dir);
      expect(shard.code, shard.stderr).toBe(0);
    }
    const merged = await cli(['scan', '--inventory', ...accounts.map((a) => `shard-aws-${a}.json`), '--out', 'merged', '--format', 'json,md', '--quiet'], dir);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toContain(`judging the inventory at its collectedAt ${new Date(NOW).toISOString()} (the earliest of the files)`);

    expect(withoutGeneratedAt(join(dir, 'merged', 'report.json'))).toEqual(withoutGeneratedAt(join(dir, 'whole', 'report.json')));
    expect(readFileSync(join(dir, 'merged', 'summary.md'), 'utf8')).toBe(readFileSync(join(dir, 'whole', 'summary.md'), 'utf8'));
  });

  it('warn when the shards were collected more than an hour apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-shards-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(inventory('2026-11-20T01:00:00Z', ['alice'])));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...inventory('2026-11-20T03:30:00+01:00', []), coverage: [{ system: 'aws', target: '222222222222', status: 'ok' }] }));
    const apart = await run(['scan', '--inventory', 'a.json', '--inventory', 'b.json', '--out', 'out', '--quiet'], dir);
    expect(apart.stderr).toContain('warning: the inventory files were collected 90 minutes apart (2026-11-20T01:00:00Z to 2026-11-20T03:30:00+01:00)');
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...inventory('2026-11-20T01:59:00Z', []), coverage: [{ system: 'aws', target: '222222222222', status: 'ok' }] }));
    const close = await run(['scan', '--inventory', 'a.json', '--inventory', 'b.json', '--out', 'out', '--quiet'], dir);
    expect(close.stderr).not.toContain('apart');
  });
});
