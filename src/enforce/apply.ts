// Apply: serialized per system target, each action re-read just before its write, `intent`
// (with the prior state) on disk before the write, `outcome` after, then re-read and
// `verified` or `failed`. Never retried blindly. An interrupted intent is reconciled first.
import { ObjectChanged, type CollectContext, type PriorState, type Revoker } from '../../connectors/types.ts';
import { describeError } from '../errors.ts';
import type { System } from '../model/index.ts';
import { auditFields, unfinishedIntents, type AuditLog } from './audit.ts';
import type { AuditEntry, EnforceAction } from './types.ts';

export interface ApplyContext {
  revokers: ReadonlyMap<System, readonly Revoker<never>[]>;
  /** The connector's section of the config, passed to its revokers. */
  configOf(system: System): unknown;
  ctx: CollectContext;
  audit: AuditLog;
}

type AnyRevoker = Revoker<unknown>;

export const revokerById = (revokers: ApplyContext['revokers'], system: System | undefined, id: string | undefined): AnyRevoker | undefined =>
  (revokers.get(system as System) ?? []).find((revoker) => revoker.id === id) as AnyRevoker | undefined;

/** Applies the planned actions: targets in parallel, one action at a time within a target. */
export const applyActions = async (actions: readonly EnforceAction[], context: ApplyContext): Promise<void> => {
  const byTarget = new Map<string, EnforceAction[]>();
  for (const action of actions) {
    if (action.status !== 'planned') continue;
    const key = `${action.system}:${action.target}`;
    (byTarget.get(key) ?? byTarget.set(key, []).get(key)!).push(action);
  }
  await Promise.all(
    [...byTarget.values()].map(async (queue) => {
      for (const action of queue) await applyOne(action, context);
    }),
  );
};

const settle = (action: EnforceAction, status: EnforceAction['status'], reason?: string): void => {
  action.status = status;
  if (reason !== undefined) action.reason = reason;
};

const applyOne = async (action: EnforceAction, context: ApplyContext): Promise<void> => {
  const { audit, ctx } = context;
  const fields = auditFields(action);
  const revoker = revokerById(context.revokers, action.system, action.revoker);
  const item = action.item;
  if (!revoker || !item) {
    settle(action, 'failed', `revoker ${action.revoker ?? '(none)'} is not available: nothing written`);
    audit.append({ ...fields, phase: 'failed', error: action.reason });
    return;
  }
  const config = context.configOf(action.system);
  // 1. Re-read just before the write: the object must still be the one planned.
  let prior: PriorState | undefined;
  try {
    prior = await revoker.read(item, config, ctx);
  } catch (error) {
    const changed = error instanceof ObjectChanged;
    settle(action, changed ? 'changed' : 'failed', `${changed ? 'skipped, changed since the plan' : 'the re-read before the write failed'}: ${describeError(error)}; nothing written`);
    audit.append({ ...fields, phase: changed ? 'refused' : 'failed', error: action.reason });
    return;
  }
  if (!prior) {
    settle(action, 'changed', 'skipped, changed since the plan: the access is no longer there when re-read; nothing written');
    audit.append({ ...fields, phase: 'refused', error: action.reason });
    return;
  }
  if (action.regranted && typeof prior.writtenBy === 'string') action.regranted.by = prior.writtenBy;
  // 2. The prior state is on disk before the write.
  audit.append({ ...fields, phase: 'intent', prior, item });
  let writeError: string | undefined;
  try {
    await revoker.revoke(item, prior, config, ctx);
  } catch (error) {
    writeError = describeError(error);
  }
  audit.append({ ...fields, phase: 'outcome', ...(writeError !== undefined ? { error: writeError } : {}) });
  // 3. Re-read: verified only when the access is gone.
  await verify(action, revoker, item, config, context, fields, writeError);
};

const verify = async (
  action: EnforceAction,
  revoker: AnyRevoker,
  item: NonNullable<EnforceAction['item']>,
  config: unknown,
  context: ApplyContext,
  fields: Omit<AuditEntry, 'at' | 'phase'>,
  writeError: string | undefined,
): Promise<void> => {
  try {
    const after = await revoker.read(item, config, context.ctx);
    if (after === undefined) {
      settle(action, 'verified', writeError === undefined ? undefined : `the write reported ${writeError}, but the access is gone`);
      context.audit.append({ ...fields, phase: 'verified' });
      return;
    }
    settle(action, 'failed', `still present after the write${writeError ? ` (${writeError})` : ''}; not retried: check ${action.object} by hand`);
  } catch (error) {
    settle(action, 'failed', `the re-read after the write failed: ${describeError(error)}${writeError ? ` (write: ${writeError})` : ''}; not retried: check ${action.object} by hand`);
  }
  context.audit.append({ ...fields, phase: 'failed', error: action.reason });
};

export interface Reconciled {
  action: string;
  object?: string;
  status: 'verified' | 'failed';
  reason: string;
}

/** An `intent` with no `outcome` (the process died mid-write): re-read and record what happened. */
export const reconcile = async (entries: readonly AuditEntry[], context: ApplyContext): Promise<Reconciled[]> => {
  const results: Reconciled[] = [];
  for (const intent of unfinishedIntents(entries)) {
    const { at: _at, phase: _phase, prior: _prior, item, ...fields } = intent;
    const revoker = revokerById(context.revokers, intent.system, intent.revoker);
    let result: Reconciled;
    try {
      if (!revoker || !item) throw new Error(`revoker ${intent.revoker ?? '(none)'} or the object is not recorded`);
      const after = await revoker.read(item, context.configOf(intent.system!), context.ctx);
      result =
        after === undefined
          ? { action: intent.action, object: intent.object, status: 'verified', reason: 'interrupted after its intent; the re-read shows the access gone' }
          : { action: intent.action, object: intent.object, status: 'failed', reason: 'interrupted after its intent; the re-read shows the access still there (the write did not take effect); planned afresh by this run, never retried blindly' };
    } catch (error) {
      result = { action: intent.action, object: intent.object, status: 'failed', reason: `interrupted after its intent; the re-read failed: ${describeError(error)}; check ${intent.object ?? intent.action} by hand` };
    }
    context.audit.append({ ...fields, phase: 'outcome', error: `reconciled: ${result.reason}` });
    context.audit.append({ ...fields, phase: result.status, ...(result.status === 'failed' ? { error: result.reason } : {}) });
    results.push(result);
  }
  return results;
};
