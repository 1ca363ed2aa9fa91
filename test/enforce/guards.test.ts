// Each guard blocks on its own, before the first write: the whole estate is the same afterwards,
// the exit code says which kind of block it was, and the message says how to proceed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEnforce, type EnforceOptions } from '../../src/commands/enforce.ts';
import { main } from '../../src/cli.ts';
import { captureIo, NOW, startScenario, type Scenario } from './scenario.ts';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

const RULES = ['revoked-grant', 'expired-grant', 'off-call', 'stale-credential'];
const enforce = async (options: Partial<EnforceOptions> = {}) => {
  const io = captureIo(scenario.dir);
  const result = await runEnforce({ config: scenario.configPath, now: NOW, out: join(scenario.dir, 'out'), quiet: true, apply: true, ...options }, io, { connectors: scenario.connectors });
  return { ...result, io };
};
/** The estate without what reading it changes (the credential report's timestamp). */
const state = () => {
  const { aws, kubernetes } = scenario.dump();
  return { aws: (aws as Record<string, unknown>[]).map(({ reportGeneratedAt: _r, ...account }) => account), kubernetes };
};

/** Runs one apply and checks that nothing at all was written. */
const blockedApply = async (options: Partial<EnforceOptions> = {}) => {
  const before = state();
  const run = await enforce(options);
  expect(state()).toEqual(before);
  expect(run.actions.filter((a) => ['verified', 'failed', 'changed'].includes(a.status))).toEqual([]);
  return run;
};

describe('guards, each on its own', () => {
  it('not enabled: exit 4, nothing revoked, the message says how to enable', async () => {
    scenario.writeConfig({ enabled: false, rules: RULES });
    const run = await blockedApply();
    expect(run.exitCode).toBe(4);
    expect(run.report.enforcement).toMatchObject({ blocked: { guard: 'enabled' } });
    expect(run.io.out()).toMatch(/BLOCKED: enforce.enabled is not true in dutybound.yaml.*set enforce.enabled: true/);
    expect(run.actions.every((a) => a.status === 'blocked' && a.guard === 'enabled')).toBe(true);
  });

  it('over enforce.maxActions, or over a lower --max-actions: exit 4, nothing revoked', async () => {
    scenario.writeConfig({ enabled: true, rules: RULES, maxActions: 6 });
    const over = await blockedApply();
    expect(over.exitCode).toBe(4);
    expect(over.io.out()).toContain('7 actions planned, more than the limit of 6 (enforce.maxActions)');
    scenario.writeConfig({ enabled: true, rules: RULES, maxActions: 10 });
    const lowered = await blockedApply({ maxActions: 2 });
    expect(lowered.exitCode).toBe(4);
    expect(lowered.report.enforcement).toMatchObject({ blocked: { guard: 'maxActions' } });
  });

  it('over enforce.maxActionsPercent of the privileged entitlements: exit 4, nothing revoked', async () => {
    scenario.writeConfig({ enabled: true, rules: RULES, maxActionsPercent: 20 });
    const run = await blockedApply();
    expect(run.exitCode).toBe(4);
    expect(run.io.out()).toMatch(/7 actions planned for \d+ privileged entitlements, more than enforce.maxActionsPercent 20%/);
  });

  it('a failed schedule source blocks the off-call actions: exit 3, nothing revoked', async () => {
    scenario.writeConfig({ enabled: true, rules: ['off-call'] }, { schedule: ['http://127.0.0.1:9/platform.ics'] });
    const run = await blockedApply();
    expect(run.exitCode).toBe(3);
    expect(run.actions).toEqual([expect.objectContaining({ rule: 'off-call', status: 'blocked', guard: 'coverage', reason: expect.stringContaining('a failed duty source is not "nobody is on call"') })]);
  });

  it('a schedule with no shift at all in the window (an empty answer) blocks its off-call actions: exit 3, nothing revoked', async () => {
    writeFileSync(join(scenario.dir, 'schedule.yaml'), stringify([{ schedule: 'database', person: 'kim@example.com', start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' }]));
    scenario.writeConfig({ enabled: true, rules: ['off-call'] });
    const run = await blockedApply();
    expect(run.exitCode).toBe(3);
    expect(run.actions).toEqual([expect.objectContaining({ status: 'blocked', guard: 'coverage', reason: expect.stringContaining('schedule platform has no shift at all in the window read') })]);
  });

  it('a partly read target blocks the actions on it (others go on) and exits 3', async () => {
    await scenario.close();
    // The credential report is denied: the AWS account is read in part.
    scenario = await startScenario({ awsFaults: { deniedOperations: ['iam:GenerateCredentialReport'] } });
    const awsBefore = state().aws;
    const run = await enforce();
    expect(run.exitCode).toBe(3);
    expect(state().aws).toEqual(awsBefore);
    const awsActions = run.actions.filter((a) => a.system === 'aws');
    expect(awsActions.length).toBeGreaterThan(0);
    expect(awsActions.every((a) => a.status === 'blocked' && a.guard === 'coverage' && a.reason!.includes('aws:111111111111 was read partial'))).toBe(true);
    expect(run.actions.filter((a) => a.system === 'kubernetes').map((a) => a.status)).toEqual(['verified', 'verified', 'verified']);
  });

  it('staged: an action is applied only once its finding was planned stageHours earlier', async () => {
    scenario.writeConfig({ enabled: true, rules: RULES, stageHours: 2 });
    const tonight = await blockedApply();
    expect(tonight.exitCode).toBe(0);
    expect(tonight.actions.every((a) => a.status === 'blocked' && a.guard === 'staged')).toBe(true);
    const early = await blockedApply({ now: '2026-11-20T13:00:00Z' });
    expect(early.actions.every((a) => a.guard === 'staged')).toBe(true);
    const later = await enforce({ now: '2026-11-20T14:30:00Z' });
    expect(later.exitCode, later.io.out()).toBe(0);
    expect(later.actions.map((a) => a.status)).toEqual(Array(7).fill('verified'));
  });

  it('protected principals are refused (exit 1) and never touched', async () => {
    scenario.writeConfig({ enabled: true, rules: RULES, protect: ['aws:*:role/deployer'] }, { breakGlass: ['aws:*:user/bob'], scanner: { principals: ['kubernetes:prod/User:kim@example.com'] } });
    const before = state();
    const run = await enforce();
    expect(run.exitCode).toBe(1);
    const refused = run.actions.filter((a) => a.status === 'refused').map((a) => a.reason).sort();
    expect(refused).toEqual([
      'protected: aws:arn:aws:iam::111111111111:role/deployer is protected by enforce.protect (aws:*:role/deployer)',
      'protected: aws:arn:aws:iam::111111111111:role/deployer is protected by enforce.protect (aws:*:role/deployer)',
      'protected: aws:arn:aws:iam::111111111111:user/bob is a break-glass principal',
      "protected: kubernetes:prod/User:kim@example.com is dutybound's own identity (scanner.principals: kubernetes:prod/User:kim@example.com)",
    ]);
    const after = state();
    const bob = (accounts: unknown) => JSON.stringify((accounts as { users: { name: string }[] }[])[0]!.users.find((u) => u.name === 'bob'));
    expect(bob(after.aws)).toBe(bob(before.aws));
    expect(JSON.stringify((after.aws as { roles: unknown[] }[])[0]!.roles)).toBe(JSON.stringify((before.aws as { roles: unknown[] }[])[0]!.roles));
  });
});

describe('bad input: exit 2, nothing written', () => {
  const cli = async (args: string[]) => {
    const io = captureIo(scenario.dir);
    const before = state();
    const code = await main(args, io);
    expect(state()).toEqual(before);
    return { code, err: io.err() };
  };

  it('an unknown rule in enforce.rules', async () => {
    scenario.writeConfig({ enabled: true, rules: ['expired-grant', 'expired-grants'] });
    const run = await cli(['enforce', '--apply', '--config', scenario.configPath, '--now', NOW]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('enforce.rules.1');
  });

  it('--max-actions above the config', async () => {
    const run = await cli(['enforce', '--apply', '--config', scenario.configPath, '--now', NOW, '--max-actions', '50']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--max-actions 50: may only lower enforce.maxActions (10');
  });

  it('--apply with --inventory', async () => {
    const run = await cli(['enforce', '--apply', '--config', scenario.configPath, '--now', NOW, '--inventory', 'inventory.json']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--inventory is refused');
  });

  it('neither --plan nor --apply, or both', async () => {
    expect((await cli(['enforce', '--config', scenario.configPath])).code).toBe(2);
    expect((await cli(['enforce', '--plan', '--apply', '--config', scenario.configPath])).code).toBe(2);
  });

  it('a ledger that cannot be read', async () => {
    scenario.writeConfig({ enabled: true, rules: RULES }, { ledger: ['missing.yaml'] });
    const run = await cli(['enforce', '--apply', '--config', scenario.configPath, '--now', NOW]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('missing.yaml');
  });
});
