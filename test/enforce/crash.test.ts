// A crash between `intent` and `outcome`: the process is killed while its write hangs; the next
// run reconciles the interrupted action from the audit log, then plans and applies afresh.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEnforce } from '../../src/commands/enforce.ts';
import type { AuditEntry } from '../../src/enforce/types.ts';
import { captureIo, NOW, startScenario, type Scenario } from './scenario.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario({ awsFaults: { stall: ['iam:RemoveUserFromGroup'] } });
});
afterEach(() => scenario.close());

const auditLines = (): AuditEntry[] => {
  const path = join(scenario.dir, 'audit.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditEntry);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a crash after intent', () => {
  it('is reconciled by the next run, which then removes the access once', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'src/cli.ts'), 'enforce', '--apply', '--config', scenario.configPath, '--now', NOW, '--out', join(scenario.dir, 'out'), '--quiet'], {
      cwd: scenario.dir,
      env: { ...process.env, AWS_ENDPOINT_URL: scenario.aws.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_PROFILE: '', NO_COLOR: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait (bounded) for the intent of the write that hangs, then kill the process mid-write.
    const isStalledIntent = (line: AuditEntry) => line.phase === 'intent' && line.revoker === 'aws-remove-from-group';
    for (let waited = 0; !auditLines().some(isStalledIntent) && waited < 60_000; waited += 100) await sleep(100);
    const intent = auditLines().find(isStalledIntent);
    expect(intent, 'the child wrote its intent').toBeDefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(auditLines().filter((line) => line.action === intent!.action).map((line) => line.phase)).toEqual(['planned', 'intent']);
    expect(intent!.prior).toMatchObject({ userName: 'bob', groupName: 'admins' });
    expect(scenario.aws.estate.accounts[0]!.users.find((u) => u.name === 'bob')!.groups).toEqual(['admins']);

    // The next run: the write never took effect, so the interrupted action is recorded as failed, never
    // retried blindly; the fresh plan (made from a new collection) removes the membership once.
    scenario.awsFaults.stall = [];
    const io = captureIo(scenario.dir);
    const next = await runEnforce({ config: scenario.configPath, now: NOW, out: join(scenario.dir, 'out'), quiet: true, apply: true }, io, { connectors: scenario.connectors });
    expect(next.exitCode, io.out()).toBe(0);
    const interrupted = auditLines().filter((line) => line.action === intent!.action);
    expect(interrupted.map((line) => line.phase)).toEqual(['planned', 'intent', 'outcome', 'failed']);
    expect(interrupted[2]!.error).toContain('reconciled: interrupted after its intent; the re-read shows the access still there');
    // Other targets' writes run in parallel: one may have been in flight too, and is reconciled the same way.
    expect(next.report.enforcement?.reconciled).toEqual(expect.arrayContaining([expect.objectContaining({ action: intent!.action, status: 'failed' })]));
    expect(next.actions.find((a) => a.revoker === 'aws-remove-from-group')).toMatchObject({ status: 'verified' });
    expect(scenario.aws.estate.accounts[0]!.users.find((u) => u.name === 'bob')!.groups).toEqual([]);
    expect(scenario.aws.estate.accounts[0]!.users.find((u) => u.name === 'carol')!.groups).toEqual(['admins']);

    // A third run has nothing left to reconcile or do.
    const third = await runEnforce({ config: scenario.configPath, now: NOW, out: join(scenario.dir, 'out'), quiet: true, apply: true }, captureIo(scenario.dir), { connectors: scenario.connectors });
    expect(third.actions).toEqual([]);
    expect(third.report.enforcement).not.toHaveProperty('reconciled');
  }, 90_000);
});
