// Enforce mode's pure steps put together: plan, then guards; shared by `enforce` and by every
// scan report (which shows the plan as `enforce --apply` would make it now).
import { connectors as registry } from '../../connectors/index.ts';
import type { PrivilegeConnector, Revoker } from '../../connectors/types.ts';
import type { Config } from '../config/schema.ts';
import { privilegeClassifier } from '../engine/evaluate.ts';
import type { DesiredState } from '../engine/sources.ts';
import type { Finding, Inventory, System } from '../model/index.ts';
import { firstPlannedAt, readAuditLog, removedEarlier } from './audit.ts';
import { runGuards, type GuardResult } from './guards.ts';
import { planEnforcement } from './plan.ts';
import { markRegranted, withRegrantEvidence } from './regrant.ts';
import { enforcementSection, type EnforcementSection } from './report.ts';
import type { AuditEntry, Plan } from './types.ts';

export const revokersOf = (connectors: ReadonlyMap<System, PrivilegeConnector> = registry): Map<System, readonly Revoker<never>[]> =>
  new Map([...connectors].map(([id, connector]) => [id, connector.revokers as readonly Revoker<never>[]]));

export interface EnforceInput {
  findings: readonly Finding[];
  inventory: Inventory;
  desired: Pick<DesiredState, 'grants' | 'shifts' | 'people' | 'coverage'>;
  config: Config;
  configFile: string;
  now: Date;
  runId: string;
  revokers: ReadonlyMap<System, readonly Revoker<never>[]>;
  firstPlanned: ReadonlyMap<string, string>;
  maxActions?: number;
  apply: boolean;
}

/** Plans the actions and runs every guard over them (nothing is written). */
export const planAndGuard = (input: EnforceInput): { plan: Plan; guards: GuardResult } => {
  const plan = planEnforcement({ ...input, grants: input.desired.grants, shifts: input.desired.shifts, people: input.desired.people, config: { ...input.config, aws: (input.config as { aws?: { roleName?: string } }).aws } });
  const isPrivileged = privilegeClassifier(input.config.privileged);
  const guards = runGuards(
    {
      actions: plan.actions,
      enforce: input.config.enforce,
      ...(input.maxActions !== undefined ? { maxActions: input.maxActions } : {}),
      coverage: [...input.inventory.coverage, ...input.desired.coverage],
      shifts: input.desired.shifts,
      privilegedCount: input.inventory.entitlements.filter(isPrivileged).length,
      firstPlanned: input.firstPlanned,
      now: input.now,
      configFile: input.configFile,
    },
    input.apply,
  );
  return { plan, guards };
};

/** The audit log so far; a scan only reports, so an unreadable log counts as empty. */
const auditSoFar = (auditLog: string): AuditEntry[] => {
  try {
    return readAuditLog(auditLog);
  } catch {
    return [];
  }
};

/** The plan section of a scan report: what `enforce --apply` would do with these findings now; the findings gain
 * re-grant evidence where access enforce removed is back. */
export const scanEnforcement = (input: Omit<EnforceInput, 'runId' | 'revokers' | 'firstPlanned' | 'apply'>): { section: EnforcementSection; findings: Finding[] } => {
  const entries = auditSoFar(input.config.enforce.auditLog);
  const { plan, guards } = planAndGuard({ ...input, runId: input.now.toISOString(), revokers: revokersOf(), firstPlanned: firstPlannedAt(entries), apply: true });
  markRegranted(plan.actions, removedEarlier(entries));
  return {
    section: enforcementSection({ mode: 'scan', enabled: input.config.enforce.enabled, rules: plan.rules, actions: plan.actions, ...(guards.blocked ? { blocked: guards.blocked } : {}) }),
    findings: withRegrantEvidence(input.findings as Finding[], plan.actions),
  };
};
