// Assembles the report every renderer consumes. Pure: the same input gives the same report.
import { SEVERITIES, sortFindings } from '../src/model/index.ts';
import type { Coverage, Finding, Severity, Unverifiable } from '../src/model/index.ts';
import type { RuleMeta } from '../src/rules/types.ts';
import type { Report } from './types.ts';

export interface BuildReportInput {
  /** The evaluation instant. */
  now: string;
  generatedAt: string;
  version: string;
  findings: Finding[];
  coverage: Coverage[];
  /** The rules that were evaluated: each gets a byRule count, zero included. */
  rules: readonly RuleMeta[];
  /** A previous report: marks findings `new` and records drift. */
  baseline?: Report;
  /** Findings that depend on duty or ledger data not read: listed under every schedule or ledger row that is not ok. */
  unverifiable?: readonly Unverifiable[];
  /** The digests of the ledger and duty data judged by. */
  evidence?: Report['evidence'];
  /** The enforcement plan (and outcomes): every report carries it. */
  enforcement?: Report['enforcement'];
}

/** Code-point order: the same everywhere, unlike localeCompare. */
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const compareCoverage = (a: Coverage, b: Coverage): number => byString(a.system, b.system) || byString(a.target, b.target);

export const buildReport = (input: BuildReportInput): Report => {
  const baselineIds = input.baseline ? new Set(input.baseline.findings.map((f) => f.id)) : undefined;
  // Findings are shared, not copied (nothing downstream changes them); only a baseline adds `new`.
  const findings = sortFindings(baselineIds ? input.findings.map((f): Finding => ({ ...f, new: !baselineIds.has(f.id) })) : input.findings);

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = Object.fromEntries(input.rules.map((r) => [r.id, 0]));
  // A finding of a rule outside the catalogue still counts; those rules come after the catalogue's, sorted.
  const extraRules = [...new Set(findings.map((f) => f.rule).filter((r) => !(r in byRule)))].sort(byString);
  for (const rule of extraRules) byRule[rule] = 0;
  for (const f of findings) {
    bySeverity[f.severity] += 1;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }

  // Connectors finish in any order; sorting keeps the output byte-stable.
  const coverage = input.coverage.map((c) => ({ ...c })).sort(compareCoverage);
  // An unverifiable finding is listed under each row it depends on: a schedule's (it names one), else a ledger's.
  if (input.unverifiable?.length)
    for (const row of coverage) {
      if (row.status === 'ok' || (row.system !== 'schedule' && row.system !== 'ledger')) continue;
      const depending = input.unverifiable.filter((item) => (item.schedule !== undefined) === (row.system === 'schedule'));
      if (depending.length) row.unverifiable = [...depending];
    }

  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'dutybound', version: input.version },
    now: input.now,
    generatedAt: input.generatedAt,
    complete: coverage.every((c) => c.status === 'ok'),
    coverage,
    summary: { findings: findings.length, bySeverity, byRule },
    findings,
  };
  if (baselineIds) {
    const currentIds = new Set(findings.map((f) => f.id));
    report.drift = {
      added: [...new Set(findings.filter((f) => f.new).map((f) => f.id))].sort(byString),
      removed: [...baselineIds].filter((id) => !currentIds.has(id)).sort(byString),
    };
  }
  if (input.evidence) report.evidence = input.evidence;
  if (input.enforcement) report.enforcement = input.enforcement;
  return report;
};
