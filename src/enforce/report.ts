// The `enforcement` section of every report: the plan, what guards blocked, what was applied.
import type { WholeBlock } from './guards.ts';
import type { Reconciled } from './apply.ts';
import type { ActionStatus, EnforceAction } from './types.ts';

export type EnforcementMode = 'scan' | 'plan' | 'apply';

export interface EnforcementSection {
  /** `scan`: the plan as `enforce --apply` would make it now; `plan`: `enforce --plan`; `apply`: what `enforce --apply` did. */
  mode: EnforcementMode;
  enabled: boolean;
  rules: string[];
  /** A guard that blocked the whole apply: nothing was (or would be) revoked. */
  blocked?: WholeBlock;
  summary: Record<ActionStatus, number>;
  actions: Array<Omit<EnforceAction, 'item' | 'objectKey'>>;
  /** Interrupted actions of an earlier run, reconciled by this one. */
  reconciled?: Reconciled[];
  notes: string[];
}

const STATUSES: readonly ActionStatus[] = ['planned', 'refused', 'blocked', 'verified', 'failed', 'changed'];

const ACTION_KEYS = [
  'id', 'status', 'rule', 'finding', 'findings', 'grant', 'system', 'target', 'principal', 'privilege', 'resource',
  'credential', 'schedule', 'revoker', 'object', 'removes', 'guard', 'reason', 'regranted', 'firstPlanned',
] as const satisfies readonly (keyof EnforceAction)[];

const reportAction = (action: EnforceAction): EnforcementSection['actions'][number] => {
  const out: Record<string, unknown> = {};
  for (const key of ACTION_KEYS) if (action[key] !== undefined) out[key] = action[key];
  return out as EnforcementSection['actions'][number];
};

export const enforcementSection = (input: {
  mode: EnforcementMode;
  enabled: boolean;
  rules: readonly string[];
  actions: readonly EnforceAction[];
  blocked?: WholeBlock;
  reconciled?: Reconciled[];
}): EnforcementSection => {
  const summary = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<ActionStatus, number>;
  for (const action of input.actions) summary[action.status] += 1;
  const notes: string[] = [];
  if (input.actions.some((action) => action.system === 'aws' && action.revoker === 'aws-delete-account-assignment'))
    notes.push('AWS Identity Center: deleting an account assignment does not end sessions already issued from it; they last until they expire (the permission set\'s session duration).');
  if (input.actions.some((action) => action.system === 'aws' && /policy|group/.test(action.revoker ?? '')))
    notes.push('AWS IAM: removing a role\'s or user\'s policy does not end sessions already issued; temporary credentials keep working until they expire.');
  return {
    mode: input.mode,
    enabled: input.enabled,
    rules: [...input.rules],
    ...(input.blocked ? { blocked: input.blocked } : {}),
    summary,
    actions: input.actions.map(reportAction),
    ...(input.reconciled?.length ? { reconciled: input.reconciled } : {}),
    notes,
  };
};
