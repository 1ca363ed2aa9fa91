// report.json: the report contract, 2-space JSON with keys in the contract's order.
import type { Coverage, Finding, Unverifiable } from '../src/model/index.ts';
import { ChunkWriter } from './stream.ts';
import type { Drift, Renderer, Report } from './types.ts';

/** Copies `source`'s keys in `order`, dropping undefined values. */
const pick = <T extends object>(source: T, order: readonly (keyof T)[]): Partial<T> => {
  const out: Partial<T> = {};
  for (const key of order) if (source[key] !== undefined) out[key] = source[key];
  return out;
};

const coverageKeys = ['system', 'target', 'status', 'error', 'notes', 'unverifiable'] as const satisfies readonly (keyof Coverage)[];
const unverifiableKeys = [
  'id', 'rule', 'severity', 'system', 'target', 'principal', 'person', 'privilege', 'resource', 'grant', 'schedule', 'message',
] as const satisfies readonly (keyof Unverifiable)[];
const findingKeys = [
  'id', 'rule', 'severity', 'system', 'target', 'principal', 'person', 'privilege', 'resource', 'grant',
  'credential', 'schedule', 'since', 'new', 'firstSeen', 'ageDays', 'message', 'remediation', 'evidence',
] as const satisfies readonly (keyof Finding)[];

export const orderCoverage = (c: Coverage): Partial<Coverage> => {
  const row = pick(c, coverageKeys);
  if (c.unverifiable) row.unverifiable = c.unverifiable.map((u) => pick(u, unverifiableKeys) as Unverifiable);
  return row;
};
// person is always present in the contract: null when nobody is linked.
export const orderFinding = (f: Finding): Partial<Finding> => pick({ ...f, person: f.person ?? null }, findingKeys);

const orderDrift = (drift: Drift): Record<string, unknown> =>
  pick({ ...drift }, ['added', 'removed', 'since', 'resolved', 'entitlements'] as const satisfies readonly (keyof Drift)[]);

/** The report as a plain object in the contract's key order (what report.json holds). */
export const toContract = (report: Report): Record<string, unknown> => {
  const out: Record<string, unknown> = {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    now: report.now,
    generatedAt: report.generatedAt,
    complete: report.complete,
    coverage: report.coverage.map(orderCoverage),
    summary: {
      findings: report.summary.findings,
      bySeverity: report.summary.bySeverity,
      byRule: report.summary.byRule,
      ...(report.summary.suppressed === undefined ? {} : { suppressed: report.summary.suppressed }),
    },
    findings: report.findings.map(orderFinding),
  };
  if (report.drift) out.drift = orderDrift(report.drift);
  if (report.suppressed) out.suppressed = report.suppressed.map((f) => ({ ...orderFinding(f), suppression: f.suppression }));
  if (report.suppressions) out.suppressions = { expired: report.suppressions.expired, unmatched: report.suppressions.unmatched };
  if (report.enforcement) out.enforcement = report.enforcement;
  if (report.evidence)
    out.evidence = {
      window: { start: report.evidence.window.start, end: report.evidence.window.end },
      sources: report.evidence.sources.map((source) => ({ kind: source.kind, name: source.name, records: source.records, sha256: source.sha256 })),
    };
  return out;
};

const indent = (json: string, spaces: string): string => json.replace(/\n/g, `\n${spaces}`);

export const jsonRenderer = {
  format: 'json',
  fileName: 'report.json',
  // Streams one finding at a time; the bytes equal JSON.stringify(toContract(report), null, 2) + '\n'.
  async render(report, out) {
    const entries = Object.entries(toContract({ ...report, findings: [] }));
    const at = entries.findIndex(([key]) => key === 'findings');
    const field = ([key, value]: [string, unknown]): string => `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}`;
    const writer = new ChunkWriter(out);
    await writer.push(`{\n${entries.slice(0, at).map(field).join(',\n')},\n  "findings": [`);
    for (let i = 0; i < report.findings.length; i++) {
      const finding = orderFinding(report.findings[i] as Finding);
      await writer.push(`${i === 0 ? '' : ','}\n    ${indent(JSON.stringify(finding, null, 2), '    ')}`);
    }
    await writer.push(report.findings.length === 0 ? ']' : '\n  ]');
    const after = entries.slice(at + 1).map(field);
    await writer.push(`${after.map((f) => `,\n${f}`).join('')}\n}\n`);
    await writer.flush();
  },
} as const satisfies Renderer;
