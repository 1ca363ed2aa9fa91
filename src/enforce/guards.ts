// Guards: every one is checked before the first write. A whole-apply guard (not enabled, too
// many actions) blocks everything; coverage and staging block the actions that depend on them.
import type { Config } from '../config/schema.ts';
import { SYSTEMS, type Coverage, type Shift } from '../model/index.ts';
import type { EnforceAction, GuardName } from './types.ts';

export interface GuardInput {
  actions: EnforceAction[];
  enforce: Config['enforce'];
  /** `--max-actions` (already checked to be no higher than the config's). */
  maxActions?: number;
  coverage: readonly Coverage[];
  shifts: readonly Shift[];
  /** Privileged entitlements read (maxActionsPercent is of these). */
  privilegedCount: number;
  /** When each finding was first planned, from the audit log (the staged guard). */
  firstPlanned: ReadonlyMap<string, string>;
  now: Date;
  /** The config file named in messages. */
  configFile: string;
}

export interface WholeBlock {
  guard: GuardName;
  reason: string;
}

export interface GuardResult {
  /** Set when a guard blocked the whole apply: nothing is written. */
  blocked?: WholeBlock;
  /** Whether an action was blocked for incomplete coverage (the run exits 3). */
  coverageBlocked: boolean;
}

const HOUR_MS = 3_600_000;
const isSystem = (name: string): boolean => (SYSTEMS as readonly string[]).includes(name);

const block = (action: EnforceAction, guard: GuardName, reason: string): void => {
  action.status = 'blocked';
  action.guard = guard;
  action.reason = reason;
};

/** Coverage: a failed ledger blocks all; a failed or empty schedule blocks its off-call actions; a failed target its actions. */
const coverageGuard = (planned: EnforceAction[], input: GuardInput): boolean => {
  const bad = input.coverage.filter((row) => row.status !== 'ok');
  const ledger = bad.filter((row) => row.system === 'ledger');
  const schedules = bad.filter((row) => row.system === 'schedule');
  const withShifts = new Set(input.shifts.map((shift) => shift.schedule));
  let blocked = false;
  for (const action of planned) {
    const target = bad.find((row) => row.system === action.system && (row.target === action.target || row.target === '*'));
    let reason: string | undefined;
    if (ledger.length)
      reason = `ledger source ${ledger.map((row) => `${row.target} ${row.status}${row.error ? ` (${row.error})` : ''}`).join(', ')}: without the whole ledger no revocation is safe; fix the source and re-run`;
    else if (target)
      reason = `${action.system}:${target.target} was read ${target.status}${target.error ? ` (${target.error})` : ''}: actions on it wait for a complete read; fix access and re-run`;
    else if (action.rule === 'off-call' && schedules.length)
      reason = `schedule source ${schedules.map((row) => `${row.target} ${row.status}`).join(', ')}: a failed duty source is not "nobody is on call"; fix it and re-run`;
    else if (action.rule === 'off-call' && action.schedule !== undefined && !withShifts.has(action.schedule))
      reason = `schedule ${action.schedule} has no shift at all in the window read: an empty answer is not "nobody is on call"; check the schedule source and re-run`;
    if (reason) {
      block(action, 'coverage', reason);
      blocked = true;
    }
  }
  return blocked;
};

/** Staged: applied only when the same finding was planned at least stageHours ago. */
const stagedGuard = (planned: EnforceAction[], input: GuardInput): void => {
  const hours = input.enforce.stageHours;
  if (hours === undefined) return;
  for (const action of planned) {
    const first = input.firstPlanned.get(action.finding);
    action.firstPlanned = first;
    const ageMs = first === undefined ? 0 : input.now.getTime() - Date.parse(first);
    if (first === undefined || ageMs < hours * HOUR_MS)
      block(
        action,
        'staged',
        `staged: first planned ${first ?? 'now'}; enforce.stageHours is ${hours}, so it is applied by a run from ${new Date((first === undefined ? input.now.getTime() : Date.parse(first)) + hours * HOUR_MS).toISOString()} on`,
      );
  }
};

/** The whole-apply guards: enabled, maxActions, maxActionsPercent. */
const wholeGuard = (count: number, input: GuardInput, apply: boolean): WholeBlock | undefined => {
  if (count === 0) return undefined;
  if (apply && !input.enforce.enabled)
    return { guard: 'enabled', reason: `enforce.enabled is not true in ${input.configFile}: nothing revoked. Review the plan (dutybound enforce --plan), then set enforce.enabled: true to apply it.` };
  const limit = Math.min(input.enforce.maxActions, input.maxActions ?? Number.POSITIVE_INFINITY);
  if (count > limit)
    return {
      guard: 'maxActions',
      reason: `${count} actions planned, more than the limit of ${limit} (enforce.maxActions${input.maxActions !== undefined ? ' / --max-actions' : ''}): nothing revoked. Review the plan; if every action is intended, raise enforce.maxActions or apply in parts with --only.`,
    };
  const percent = input.enforce.maxActionsPercent;
  if (percent !== undefined && count > (percent / 100) * input.privilegedCount)
    return {
      guard: 'maxActionsPercent',
      reason: `${count} actions planned for ${input.privilegedCount} privileged entitlements, more than enforce.maxActionsPercent ${percent}%: nothing revoked. Review the plan; if every action is intended, raise enforce.maxActionsPercent or apply in parts with --only.`,
    };
  return undefined;
};

/** Runs every guard over the planned actions (changing their status); `apply` adds the enabled guard. */
export const runGuards = (input: GuardInput, apply: boolean): GuardResult => {
  const planned = () => input.actions.filter((action) => action.status === 'planned');
  const coverageBlocked = coverageGuard(planned(), input);
  stagedGuard(planned(), input);
  const remaining = planned();
  const blocked = wholeGuard(remaining.length, input, apply);
  if (blocked) for (const action of remaining) block(action, blocked.guard, blocked.reason);
  return { ...(blocked ? { blocked } : {}), coverageBlocked: coverageBlocked || input.coverage.some((row) => row.status !== 'ok' && isSystem(row.system)) };
};
