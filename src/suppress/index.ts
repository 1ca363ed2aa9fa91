// Applies the config's suppressions to a scan's findings. Pure: takes `now`, reads no clock.
import { globMatches } from '../engine/glob.ts';
import { sortFindings, type Finding } from '../model/index.ts';
import type { Report, SuppressedFinding, SuppressionRef } from '../../reports/types.ts';
import type { Suppression } from './schema.ts';

export type { Suppression } from './schema.ts';

export interface SuppressionResult {
  /** Findings no active suppression matches (expired ones included: they no longer suppress). */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  expired: SuppressionRef[];
  unmatched: SuppressionRef[];
}

const reference = (s: Suppression, index: number): SuppressionRef => {
  const ref: SuppressionRef = { index, reason: s.reason, owner: s.owner, until: s.until };
  for (const key of ['rule', 'principal', 'target', 'ticket'] as const) if (s[key] !== undefined) ref[key] = s[key];
  return ref;
};

const matches = (s: Suppression, f: Finding): boolean =>
  (s.rule === undefined || s.rule === f.rule) &&
  (s.principal === undefined || globMatches(s.principal, f.principal)) &&
  (s.target === undefined || globMatches(s.target, f.target));

/** Active suppressions (until after now) hold back the findings they match, the first one in config order naming it. */
export const applySuppressions = (findings: readonly Finding[], suppressions: readonly Suppression[], now: Date): SuppressionResult => {
  const refs = suppressions.map(reference);
  const active = suppressions.map((s, index) => ({ s, ref: refs[index]! })).filter(({ s }) => Date.parse(s.until) > now.getTime());
  const used = new Set<number>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const by = active.find(({ s }) => matches(s, f));
    if (!by) kept.push(f);
    else {
      used.add(by.ref.index);
      suppressed.push({ ...f, suppression: by.ref });
    }
  }
  return {
    findings: kept,
    suppressed,
    expired: refs.filter((ref) => Date.parse(ref.until) <= now.getTime()),
    unmatched: active.filter(({ ref }) => !used.has(ref.index)).map(({ ref }) => ref),
  };
};

/** Adds the suppressed findings (in report order) and the suppressions' state to a report built from the kept findings. */
export const withSuppressions = (report: Report, result: SuppressionResult): Report => ({
  ...report,
  summary: { ...report.summary, suppressed: result.suppressed.length },
  suppressed: sortFindings(result.suppressed) as SuppressedFinding[],
  suppressions: { expired: result.expired, unmatched: result.unmatched },
});

/** One warning line per suppression that is past its date or matched nothing. */
export const suppressionWarnings = (result: SuppressionResult): string[] => [
  ...result.expired.map((s) => `suppression #${s.index} (${describe(s)}) expired at ${s.until}: it no longer suppresses anything and fails the run; renew or remove it (owner ${s.owner})`),
  ...result.unmatched.map((s) => `suppression #${s.index} (${describe(s)}) matched no finding; remove it if the access is gone`),
];

const describe = (s: SuppressionRef): string =>
  [s.rule && `rule ${s.rule}`, s.principal && `principal ${s.principal}`, s.target && `target ${s.target}`, s.ticket && `ticket ${s.ticket}`].filter(Boolean).join(', ');
