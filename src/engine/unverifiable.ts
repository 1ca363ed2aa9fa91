// A finding that rests on a source that could not be read is not a finding: with a JIT tool's
// table unreachable, access it approved would look like standing privilege. Such findings are
// left out and counted, never reported as drift.
import type { Finding, System } from '../model/index.ts';

/** The rules whose findings depend on the ledger (a missing row would make them fire). */
export const LEDGER_RULES: ReadonlySet<string> = new Set(['revoked-grant', 'expired-grant', 'off-call', 'standing-privilege', 'expired-exception']);

export interface Verified {
  findings: Finding[];
  /** Findings left out, by system. */
  unverifiable: Map<System, number>;
}

export const withoutUnverifiable = (findings: readonly Finding[], ledgerSystems: readonly System[]): Verified => {
  const unverifiable = new Map<System, number>();
  if (!ledgerSystems.length) return { findings: [...findings], unverifiable };
  const systems = new Set(ledgerSystems);
  const kept = findings.filter((finding) => {
    if (!systems.has(finding.system) || !LEDGER_RULES.has(finding.rule)) return true;
    unverifiable.set(finding.system, (unverifiable.get(finding.system) ?? 0) + 1);
    return false;
  });
  return { findings: kept, unverifiable };
};
