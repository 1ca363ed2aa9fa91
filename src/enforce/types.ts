// Enforce mode's data: actions (what the plan aims at and what became of it), guards, audit lines.
import type { Credential, Entitlement, System } from '../model/index.ts';

/**
 * planned: would be (or will be) applied; refused: never touched (protected, shared, cannot be narrowed);
 * blocked: a guard stopped it; verified / failed: applied, and the re-read shows it gone / still there;
 * changed: skipped, the object moved since the plan.
 */
export type ActionStatus = 'planned' | 'refused' | 'blocked' | 'verified' | 'failed' | 'changed';

export const GUARDS = ['enabled', 'coverage', 'maxActions', 'maxActionsPercent', 'staged'] as const;
export type GuardName = (typeof GUARDS)[number];

export interface EnforceAction {
  /** Unique: the audit log and `dutybound restore` name the action by it. */
  id: string;
  rule: string;
  /** The finding the action answers (the first, when several come through one object). */
  finding: string;
  /** Every finding this one write answers (a group membership giving several policies). */
  findings: string[];
  grant?: string;
  system: System;
  target: string;
  principal: string;
  privilege?: string;
  resource?: string;
  credential?: string;
  schedule?: string;
  /** The revoker that writes it. */
  revoker?: string;
  /** What is written: the exact object. */
  object: string;
  /** The access the write removes (more than one when a membership carries several). */
  removes: string[];
  status: ActionStatus;
  /** Why refused, blocked, changed or failed, and how to proceed. */
  reason?: string;
  /** The guard that blocked it. */
  guard?: GuardName;
  /** The access was removed by an earlier action and is back: which action, when, and who wrote it where the system says. */
  regranted?: { action: string; removedAt: string; by?: string };
  /** When the audit log first shows this finding planned (the staged guard reads it). */
  firstPlanned?: string;
  /** The entitlement or credential to remove (not in reports). */
  item?: { entitlement?: Entitlement; credential?: Credential };
  /** Equal for actions that write the same object (not in reports). */
  objectKey?: string;
}

export interface Plan {
  rules: string[];
  actions: EnforceAction[];
}

export const AUDIT_PHASES = ['planned', 'intent', 'outcome', 'verified', 'failed', 'refused', 'restored'] as const;
export type AuditPhase = (typeof AUDIT_PHASES)[number];

/** One line of the audit log (JSONL). */
export interface AuditEntry {
  at: string;
  action: string;
  phase: AuditPhase;
  rule?: string;
  finding?: string;
  grant?: string;
  system?: System;
  target?: string;
  principal?: string;
  object?: string;
  prior?: Record<string, unknown>;
  error?: string;
  /** The revoker that wrote (restore and reconciliation use it). */
  revoker?: string;
  /** On `intent`: the entitlement or credential, so a later run can re-read it. */
  item?: { entitlement?: Entitlement; credential?: Credential };
}
