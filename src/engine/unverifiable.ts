// A finding that rests on a ledger source that could not be read is not a finding: with a JIT
// tool's table unreachable, access it approved would look like standing privilege. Such findings
// are listed as unverifiable under that source's coverage row, never reported as drift.
import type { Finding, System, Unverifiable } from '../model/index.ts';

/** The rules whose findings depend on the ledger (a missing row would make them fire). */
export const LEDGER_RULES: ReadonlySet<string> = new Set(['revoked-grant', 'expired-grant', 'off-call', 'standing-privilege', 'expired-exception']);

export interface Verified {
  findings: Finding[];
  /** The findings left out, each saying why (no `schedule`: they depend on the ledger). */
  unverifiable: Unverifiable[];
}

/** A finding that could not be verified, saying why (and, when it rests on one, which schedule). */
export const asUnverifiable = (finding: Finding, why: string, schedule?: string): Unverifiable => {
  const { id, rule, severity, system, target, principal, person, privilege, resource, grant } = finding;
  const known = Object.fromEntries(Object.entries({ privilege, resource, grant, schedule }).filter(([, value]) => value !== undefined));
  return { id, rule, severity, system, target, principal, person, ...known, message: `${finding.message} Not verified: ${why}.` };
};

export const withoutUnverifiable = (findings: readonly Finding[], ledgerSystems: readonly System[]): Verified => {
  const unverifiable: Unverifiable[] = [];
  if (!ledgerSystems.length) return { findings: [...findings], unverifiable };
  const systems = new Set(ledgerSystems);
  const kept = findings.filter((finding) => {
    if (!systems.has(finding.system) || !LEDGER_RULES.has(finding.rule)) return true;
    unverifiable.push(asUnverifiable(finding, `a ledger source covering ${finding.system} could not be read`));
    return false;
  });
  return { findings: kept, unverifiable };
};
