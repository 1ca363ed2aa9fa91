// The domain types shared by connectors, the engine, reports and enforce.
// Times are ISO 8601 strings with an offset; nothing here reads the clock.

export const SYSTEMS = ['aws', 'github', 'kubernetes'] as const;
export type System = (typeof SYSTEMS)[number];

export const LEVELS = ['admin', 'write', 'read'] as const;
export type Level = (typeof LEVELS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An identity in one system. `id` is globally unique: `aws:<arn>`, `github:<org>/<login>`, `kubernetes:<cluster>/User:<name>`… */
export interface Principal {
  id: string;
  system: System;
  /** AWS account id, GitHub org, Kubernetes cluster name. */
  target: string;
  /** user, role, group, service-account, app, key… (the system's own word). */
  kind: string;
  human: boolean | 'unknown';
  name: string;
  email?: string;
  /** Owner email of a machine identity, when the system records one. */
  owner?: string;
  /** Outside collaborator, vendor. */
  external?: boolean;
  breakGlass?: boolean;
  /** True/false when the system says (IAM `mfa_active`, GitHub 2FA). */
  mfa?: boolean;
  createdAt?: string;
  /** ISO time; null when the system tracks use and it was never used; absent when there is no signal. */
  lastUsedAt?: string | null;
}

/** Principal P holds privilege X on (target, resource). */
export interface Entitlement {
  principal: string;
  system: System;
  target: string;
  /** `*` when scope-wide; else the repo, namespace, account resource… */
  resource: string;
  /** The system's own name: policy or permission-set name, `org-owner`, `ClusterRole/cluster-admin`… */
  privilege: string;
  level: Level;
  privileged: boolean;
  /** The path: `direct`, `group/<name>`, `team/<slug>`, `binding/<name>`… */
  via: string;
  grantedAt?: string;
  /** An expiry the system itself states (a JIT binding's annotation): past it, the entitlement is expired even without a ledger row. */
  expiresAt?: string;
  /** The grant id the system records beside that expiry, when there is one. */
  grantId?: string;
  lastUsedAt?: string | null;
  /** What enforce needs to remove exactly this entitlement (connector-specific, opaque to the engine). */
  ref?: Record<string, unknown>;
}

/** Credential kinds whose age is not a finding by itself (NIST SP 800-63B: no forced password rotation). */
export const PASSWORD_KINDS: ReadonlySet<string> = new Set(['console-password', 'password']);

/** A secret or key. Its value is never read, stored or printed. */
export interface Credential {
  id: string;
  system: System;
  target: string;
  /** access-key, console-password, deploy-key, actions-secret, dependabot-secret, fine-grained-pat, saml-authorization, service-account-token… */
  kind: string;
  principal?: string;
  name?: string;
  createdAt: string;
  rotatedAt?: string;
  lastUsedAt?: string | null;
  expiresAt?: string;
  status: 'active' | 'inactive';
  /** A credential that can change things (a write deploy key, a root key). */
  privileged?: boolean;
  ref?: Record<string, unknown>;
}

export type CoverageStatus = 'ok' | 'partial' | 'failed';

/** One row per (system or source, target): what was read, and how completely. */
export interface Coverage {
  /** `aws` | `github` | `kubernetes`, or a source: `ledger` | `schedule` | `people`. */
  system: string;
  target: string;
  status: CoverageStatus;
  error?: string;
  /** Free-form notes that are not failures (an endpoint absent on this plan…). */
  notes?: string[];
  /** Report only: findings that would fire but depend on what this source failed to read. */
  unverifiable?: Unverifiable[];
}

/**
 * A finding that depends on duty data a schedule source failed to give (missing duty data is
 * not "nobody is on call"): never reported as a finding, listed under that source's coverage row.
 */
export type Unverifiable = Pick<
  Finding,
  'id' | 'rule' | 'severity' | 'system' | 'target' | 'principal' | 'person' | 'privilege' | 'resource' | 'grant' | 'schedule' | 'message'
>;

export interface Inventory {
  schemaVersion: 1;
  collectedAt: string;
  coverage: Coverage[];
  principals: Principal[];
  entitlements: Entitlement[];
  credentials: Credential[];
}

export const GRANT_KINDS = ['temporary', 'standing', 'break-glass'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** A ledger row: who may hold what, when, approved by whom. */
export interface Grant {
  id: string;
  /** A person's email or a principal id. */
  subject: string;
  system: System;
  target: string;
  resource: string;
  privilege: string;
  /** Absent only for standing grants without a start. */
  start?: string;
  /** Absent only for standing grants. */
  end?: string;
  kind: GrantKind;
  /** Schedule (or escalation policy) name: valid only while the subject is on call for it. */
  onCall?: string;
  /** With `onCall: { schedule, maxLevel }`: only shifts at escalation level ≤ this count. */
  onCallMaxLevel?: number;
  approver?: string;
  ticket?: string;
  reason?: string;
  revokedAt?: string;
  reviewBy?: string;
  /** Where the row came from, for messages: `grants.yaml:12`, `aws-team table TEAM-requests`. */
  source?: string;
  /** The JIT tool the row was read from (`AWS TEAM`, `Teleport`, `Common Fate`); absent for ledger files. */
  tool?: string;
  /** What that tool says about the row that a finding should repeat: a failed or stuck revocation. */
  toolNote?: string;
  /** The file and line of a ledger file's row (absolute path), for reports that point at it. */
  origin?: { file: string; line: number };
}

/** Person P is on call for schedule S from start to end. */
export interface Shift {
  schedule: string;
  person: string;
  start: string;
  end: string;
  source?: string;
  /** Escalation level (1 = first responders) when the paging system says it. */
  level?: number;
  /** On call with no end (a user an escalation policy names directly); start and end are the window read. */
  permanent?: boolean;
}

export interface Person {
  email: string;
  name?: string;
  /** Principal ids (or globs) that are this person's. */
  accounts: string[];
}

export interface OwnerRule {
  /** A principal id or glob. */
  principal: string;
  owner: string;
}

export interface People {
  people: Person[];
  owners: OwnerRule[];
}

export interface Finding {
  /** Stable fingerprint: the same condition gives the same id on every run. */
  id: string;
  rule: string;
  severity: Severity;
  system: System;
  target: string;
  principal: string;
  person: string | null;
  privilege?: string;
  resource?: string;
  grant?: string;
  credential?: string;
  schedule?: string;
  since?: string;
  new?: boolean;
  /** With scan history (--state or --baseline): the first scan of this finding's current run of scans, and its age then. */
  firstSeen?: string;
  ageDays?: number;
  message: string;
  remediation?: string;
  /** Evidence for humans (report only): which grant, which shift, which path. */
  evidence?: Record<string, string>;
}

export const emptyInventory = (collectedAt: string): Inventory => ({
  schemaVersion: 1,
  collectedAt,
  coverage: [],
  principals: [],
  entitlements: [],
  credentials: [],
});

/** Rule ids are a contract: stable across versions. Order is the catalogue's order; the first four are in precedence order. */
export const RULE_IDS = [
  'revoked-grant',
  'expired-grant',
  'off-call',
  'standing-privilege',
  'expired-exception',
  'grant-hygiene',
  'stale-credential',
  'unused-credential',
  'unused-privilege',
  'unowned-identity',
  'break-glass-used',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorts into the report's order — severity (critical first), then rule id, then finding id, in
 * code-point order — with a bucket per (severity, rule), each sorted by id (cheap at a million findings).
 */
export const sortFindings = (findings: readonly Finding[]): Finding[] => {
  const buckets = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${severityRank[finding.severity]}\u0000${finding.rule}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(finding);
    else buckets.set(key, [finding]);
  }
  return [...buckets.keys()].sort(byCodePoint).flatMap((key) => sortById(buckets.get(key)!));
};

// Fingerprints are lowercase hex: comparing their first 12 digits as numbers gives the same order as
// comparing the strings, several times faster; other ids (NaN) and ties fall back to the strings.
const HEX_PREFIX = /^[0-9a-f]{12}/;
const sortById = (findings: Finding[]): Finding[] => {
  const prefixes = findings.map((finding) => (HEX_PREFIX.test(finding.id) ? Number.parseInt(finding.id.slice(0, 12), 16) : Number.NaN));
  const order = Array.from(findings.keys());
  order.sort((a, b) => prefixes[a]! - prefixes[b]! || byCodePoint(findings[a]!.id, findings[b]!.id));
  return order.map((index) => findings[index]!);
};
