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
  /** Against `--baseline`: ids of findings that are new, and ids of baseline findings now gone. */
  drift?: { added: string[]; removed: string[] };
  enforcement?: Record<string, unknown>;
  /** The ledger and duty data the scan judged by: a sha256 per ledger file and per schedule (`scan --evidence DIR` writes the data). */
  evidence?: Evidence;
}

/** Where in the repository the decisive evidence of a finding is: a path relative to its root, a line. */
export interface SourceLocation {
  uri: string;
  line: number;
}

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
