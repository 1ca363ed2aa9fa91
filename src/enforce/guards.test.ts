// The coverage guard on rows the command line cannot produce today (a ledger source read in part).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { runGuards, type GuardInput } from './guards.ts';
import type { EnforceAction } from './types.ts';

const action = (id: string, extra: Partial<EnforceAction> = {}): EnforceAction => ({
  id, rule: 'expired-grant', finding: `f-${id}`, findings: [`f-${id}`], system: 'aws', target: '111111111111', principal: `aws:arn:aws:iam::111111111111:user/${id}`, object: id, removes: [id], status: 'planned', ...extra,
});
const input = (actions: EnforceAction[], extra: Partial<GuardInput> = {}): GuardInput => ({
  actions, enforce: parseConfig({ enforce: { enabled: true } }, 'test.yaml').enforce, coverage: [], shifts: [], privilegedCount: 100, firstPlanned: new Map(), now: new Date('2026-11-20T12:00:00Z'), configFile: 'dutybound.yaml', ...extra,
});

describe('runGuards', () => {
  it('a ledger source read in part or failed blocks every action', () => {
    const actions = [action('a'), action('b', { system: 'kubernetes', target: 'prod' })];
    const result = runGuards(input(actions, { coverage: [{ system: 'ledger', target: 'grants.csv', status: 'partial', error: 'line 7 unreadable' }] }), true);
    expect(result.coverageBlocked).toBe(true);
    expect(result.blocked).toBeUndefined();
    expect(actions.map((a) => [a.status, a.guard])).toEqual([['blocked', 'coverage'], ['blocked', 'coverage']]);
    expect(actions[0]!.reason).toBe('ledger source grants.csv partial (line 7 unreadable): without the whole ledger no revocation is safe; fix the source and re-run');
  });

  it('a failed connector (target *) blocks every action of that system only', () => {
    const actions = [action('a'), action('b', { system: 'kubernetes', target: 'prod' })];
    runGuards(input(actions, { coverage: [{ system: 'aws', target: '*', status: 'failed', error: 'no credentials' }] }), true);
    expect(actions.map((a) => a.status)).toEqual(['blocked', 'planned']);
  });

  it('nothing to do is never blocked, enabled or not', () => {
    const result = runGuards(input([], { enforce: parseConfig({}, 'test.yaml').enforce }), true);
    expect(result.blocked).toBeUndefined();
  });
});
