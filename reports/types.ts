// The report every renderer consumes, and the one renderer interface.
import type { Writable } from 'node:stream';
import type { Coverage, Finding, Severity } from '../src/model/index.ts';
import type { RuleMeta } from '../src/rules/types.ts';
import type { Evidence } from '../src/engine/evidence.ts';

export interface ReportSummary {
  findings: number;
  /** Every severity, zero included. */
  bySeverity: Record<Severity, number>;
  /** Every rule that was evaluated, zero included. */
  byRule: Record<string, number>;
  /** Findings held back by a suppression (present when the config has suppressions). */
  suppressed?: number;
}

/** The JSON report contract (schemaVersion 1); reports/schema/report.schema.json describes it. */
export interface Report {
  schemaVersion: 1;
  tool: { name: 'dutybound'; version: string };
  /** The evaluation instant. */
  now: string;
  generatedAt: string;
  complete: boolean;
  coverage: Coverage[];
  summary: ReportSummary;
  /** Sorted by severity, then rule, then id. */
  findings: Finding[];
  /** Against the previous run (`--state` or `--baseline`): ids of findings that are new, and ids of findings now gone. */
  drift?: Drift;
  /** Findings a suppression in the config holds back (not counted in summary.findings, never failing). */
  suppressed?: SuppressedFinding[];
  /** Suppressions past their `until` (they no longer suppress and fail the run) and ones that matched nothing. */
  suppressions?: { expired: SuppressionRef[]; unmatched: SuppressionRef[] };
  enforcement?: Record<string, unknown>;
  /** The ledger and duty data the scan judged by: a sha256 per ledger file and per schedule (`scan --evidence DIR` writes the data). */
  evidence?: Evidence;
}

/** Where in the repository the decisive evidence of a finding is: a path relative to its root, a line. */
export interface SourceLocation {
  uri: string;
  line: number;
}

/** What a finding is about, without the message: what history keeps of it. */
export interface FindingRef {
  id: string;
  rule: string;
  severity: Severity;
  system: string;
  target: string;
  principal: string;
  privilege?: string;
  resource?: string;
  credential?: string;
}

/** A finding of the previous run that this one no longer sees, with what it was about. */
export interface ResolvedFinding extends FindingRef {
  firstSeen?: string;
  resolvedAt: string;
}

/** A privileged entitlement as drift lists it. */
export interface EntitlementChange {
  principal: string;
  system: string;
  target: string;
  resource: string;
  privilege: string;
  level: string;
  via: string;
}

export interface Drift {
  added: string[];
  removed: string[];
  /** The previous run's evaluation instant. */
  since?: string;
  resolved?: ResolvedFinding[];
  /** Privileged entitlements added and removed since the previous run (needs `--state`). */
  entitlements?: { added: EntitlementChange[]; removed: EntitlementChange[] };
}

/** A suppression from the config, as reports name it. */
export interface SuppressionRef {
  /** Its position in the config's `suppressions:` list (0-based). */
  index: number;
  rule?: string;
  principal?: string;
  target?: string;
  reason: string;
  owner: string;
  ticket?: string;
  until: string;
}

export type SuppressedFinding = Finding & { suppression: SuppressionRef };

export interface RenderContext {
  /** The rule catalogue (every rule's metadata, at its configured severity), for legends and SARIF rule descriptors. */
  rules: readonly RuleMeta[];
  /** The file and line holding a finding's decisive evidence (the ledger row of its grant), when one is in the repository. */
  locate?: (finding: Finding) => SourceLocation | undefined;
}

export const FORMATS = ['json', 'html', 'sarif', 'md'] as const;
export type Format = (typeof FORMATS)[number];

export interface Renderer {
  format: Format;
  /** File name under --out: report.json, report.html, report.sarif, summary.md. */
  fileName: string;
  render(report: Report, out: Writable, context: RenderContext): Promise<void>;
}
