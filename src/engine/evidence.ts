// The evidence of one scan: the ledger and duty data it judged by, normalised and sorted, with a
// sha256 per source (per ledger file, per schedule). Paging tools rewrite past shifts when a
// rotation is edited and ledgers change: the digest shows later whether the data still matches.
import { hash } from 'node:crypto';
import type { Grant, Shift } from '../model/index.ts';

export interface EvidenceSource {
  kind: 'ledger' | 'schedule';
  /** Ledger file name, or schedule name. */
  name: string;
  records: number;
  /** sha256 of `data` as written by `evidenceFiles` (canonical JSON, one record a line). */
  sha256: string;
}

export interface Evidence {
  /** The duty window read. */
  window: { start: string; end: string };
  sources: EvidenceSource[];
}

export interface EvidenceData {
  evidence: Evidence;
  /** Per source, its records as canonical JSON lines. */
  data: { source: EvidenceSource; lines: string }[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** JSON with keys sorted at every level: the same record always gives the same bytes. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => byString(a, b))) : item,
  );

const ledgerFileOf = (grant: Grant): string => (grant.source ? grant.source.replace(/:\d+$/, '') : '(ledger)');

const group = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

const sourceOf = (kind: EvidenceSource['kind'], name: string, records: string[]) => {
  const lines = records.length ? `${records.join('\n')}\n` : '';
  return { source: { kind, name, records: records.length, sha256: hash('sha256', lines) }, lines };
};

/** Grants by id; shifts by person, start, end, level. Where a record came from (`source`) is kept. */
export const buildEvidence = (grants: readonly Grant[], shifts: readonly Shift[], window: { start: Date; end: Date }): EvidenceData => {
  const ledger = [...group(grants, ledgerFileOf)].map(([file, list]) =>
    sourceOf('ledger', file, [...list].sort((a, b) => byString(a.id, b.id)).map((grant) => canonicalJson(grant))),
  );
  const duty = [...group(shifts, (shift) => shift.schedule)].map(([schedule, list]) =>
    sourceOf(
      'schedule',
      schedule,
      list.map((shift) => canonicalJson(shift)).sort(byString),
    ),
  );
  const data = [...ledger, ...duty].sort((a, b) => byString(a.source.kind, b.source.kind) || byString(a.source.name, b.source.name));
  return { evidence: { window: { start: window.start.toISOString(), end: window.end.toISOString() }, sources: data.map((entry) => entry.source) }, data };
};

/** A file name for a source: its kind and a name safe on every file system. */
export const evidenceFileName = (source: EvidenceSource): string => {
  const safe = source.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  // Two names that differ only in unsafe characters stay two files.
  return `${source.kind}-${safe === source.name ? safe : `${safe}-${hash('sha256', source.name).slice(0, 8)}`}.jsonl`;
};
