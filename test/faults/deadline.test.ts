// The whole scan's deadline, end to end: a real CLI process whose GitHub org stalls (with a
// per-request deadline far beyond it) ends at --timeout, marks that org failed with "deadline
// exceeded", keeps the cluster it did read, writes every report and exits 3.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../src/sim/faults.ts';
import { createKubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> => {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
};

let dir: string;
let cluster: KubernetesFake;
let stalled: FaultProxy;
let resetting: FaultProxy;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dutybound-deadline-'));
  cluster = await startKubernetesFake(createKubernetesEstate(3, 20, 'prod'));
  stalled = await startFaultProxy(undefined, { mode: 'stall' });
  resetting = await startFaultProxy(undefined, { mode: 'reset' });
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor([{ context: 'prod', fake: cluster }]));
  writeFileSync(
    join(dir, 'dutybound.yaml'),
    [
      `schedule: ["${resetting.url}/feed.ics"]`,
      'network: { requestTimeoutSeconds: 60, retries: 0 }',
      `github: { orgs: [acme], baseUrl: "${stalled.url}", tokenEnv: FAKE_GITHUB_TOKEN, requestsPerMinute: 0 }`,
      'kubernetes: { kubeconfig: kubeconfig, contexts: [prod] }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await cluster.close();
  await stalled.close();
  await resetting.close();
});

describe('scan --timeout', () => {
  it('ends at the deadline: the unfinished org failed, the rest complete, every report written, exit 3', async () => {
    const out = join(dir, 'out');
    const run = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--timeout', '2s', '--out', out, '--progress', '--now', '2026-01-01T00:00:00Z'], { FAKE_GITHUB_TOKEN: 'token' });
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(20_000);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json', 'report.sarif', 'summary.md']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { complete: boolean; coverage: { system: string; target: string; status: string; error?: string }[] };
    expect(report.complete).toBe(false);
    const row = (system: string) => report.coverage.find((entry) => entry.system === system);
    expect(row('github')).toMatchObject({ target: 'acme', status: 'failed', error: expect.stringContaining('deadline exceeded (--timeout 2 s)') });
    expect(row('kubernetes')).toMatchObject({ target: 'prod', status: 'ok' });
    expect(row('schedule')).toMatchObject({ status: 'failed' });
    expect(run.stdout).toMatch(/INCOMPLETE/);
    // --progress: per-target lines on stderr, though it is a pipe here.
    expect(run.stderr).toMatch(/dutybound: kubernetes prod: started/);
    expect(run.stderr).toMatch(/dutybound: kubernetes prod: done after \d+ requests/);
    expect(run.stderr).toMatch(/dutybound: github acme: started/);
  });

  it('stays quiet about progress when stderr is not a terminal, and refuses a malformed --timeout', async () => {
    const quiet = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--timeout', '1s', '--out', join(dir, 'out-quiet'), '--now', '2026-01-01T00:00:00Z'], { FAKE_GITHUB_TOKEN: 'token' });
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).not.toMatch(/started/);
    const bad = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout: expected a duration such as 30m/);
    // Longer than a timer can hold: refused, never a deadline that fires at once.
    const huge = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--timeout', '600h']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/--timeout: at most 24d/);
  });

  it('bounds collect the same way', async () => {
    const run = await cli(['collect', '--config', join(dir, 'dutybound.yaml'), '--timeout', '1s', '--out', join(dir, 'inventory.json')], { FAKE_GITHUB_TOKEN: 'token' });
    expect(run.code).toBe(3);
    const inventory = JSON.parse(readFileSync(join(dir, 'inventory.json'), 'utf8')) as { coverage: { system: string; status: string; error?: string }[] };
    expect(inventory.coverage.find((entry) => entry.system === 'github')).toMatchObject({ status: 'failed', error: expect.stringContaining('deadline exceeded (--timeout 1 s)') });
    expect(inventory.coverage.find((entry) => entry.system === 'kubernetes')).toMatchObject({ status: 'ok' });
  });
});
