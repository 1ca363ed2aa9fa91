// What every rule exports: its metadata beside a pure evaluate(). The engine builds the
// contexts (indexes, identities, thresholds) once and calls the rules; rules never do I/O
// and never read the clock.
import type { RulesConfig } from '../config/schema.ts';
import type { Credential, Entitlement, Finding, Grant, Principal, RuleId, Severity } from '../model/index.ts';
import type { Identities } from '../engine/identities.ts';
import type { IndexedGrant, ShiftIndex } from '../engine/match.ts';

export interface RuleMeta {
  id: RuleId;
  title: string;
  /** Default severity; `rules.severity` in the config overrides it. */
  severity: Severity;
  /** What the rule fires on, one or two sentences. */
  description: string;
  /** What to do about a finding. */
  remediation: string;
}

/** A finding as a rule states it; the engine adds id, rule, severity, person and remediation. */
export type FindingDraft = Omit<Finding, 'id' | 'rule' | 'severity' | 'person' | 'remediation' | 'new'> & {
  /** Extra key parts that make the fingerprint unique (the entitlement's path…). */
  fingerprint?: string[];
};

export interface RuleContext {
  nowMs: number;
  graceMs: number;
  thresholds: RulesConfig;
  identities: Identities;
  shifts: ShiftIndex;
}

export interface EntitlementFacts {
  entitlement: Entitlement;
  /** Ledger grants whose system, subject and globs match, whatever their times. */
  matching: IndexedGrant[];
  /** Matching grants that cover `now` (window, not revoked, on call when bound to a schedule). */
  covering: IndexedGrant[];
}

export type Rule =
      | { meta: RuleMeta; scope: 'entitlement'; exclusive: boolean; evaluate(facts: EntitlementFacts, context: RuleContext): FindingDraft | undefined }
      | { meta: RuleMeta; scope: 'grant'; evaluate(grant: IndexedGrant, context: RuleContext): FindingDraft | undefined }
      | { meta: RuleMeta; scope: 'credential'; evaluate(credential: Credential, context: RuleContext): FindingDraft | undefined }
      | {
          meta: RuleMeta;
          scope: 'principal';
          evaluate(principal: PrincipalFacts, context: RuleContext): FindingDraft | FindingDraft[] | undefined;
        };

export interface PrincipalFacts {
  principal: Principal;
  /** Privileged entitlements the principal holds. */
  privileged: Entitlement[];
  credentials: Credential[];
  breakGlass: boolean;
}

export type { Grant };
