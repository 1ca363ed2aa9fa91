// From the inventory and the desired state to the findings a report or enforce may act on:
// evaluate every rule, leave out what rests on data a source could not give (a schedule or a
// JIT tool's ledger in doubt), and hold back what a suppression accepts for now. Pure: scan and
// enforce both judge through here, so enforce never acts on a finding a scan would not report.
import { dutySources } from '../../connectors/index.ts';
import type { Config } from '../config/schema.ts';
import type { Finding, Inventory, Unverifiable } from '../model/index.ts';
import { applySuppressions, type SuppressionResult } from '../suppress/index.ts';
import { evaluateScan } from './evaluate.ts';
import type { DesiredState } from './sources.ts';
import { withoutUnverifiable } from './unverifiable.ts';

export interface Judgement {
  /** Reported findings: verified and not suppressed. */
  findings: Finding[];
  /** Findings that depend on a schedule or ledger source that could not be read. */
  unverifiable: Unverifiable[];
  /** How many of those rest on a JIT tool's ledger (for the warning a scan prints). */
  ledgerInDoubt: number;
  suppression: SuppressionResult;
}

export const judge = (input: {
  inventory: Pick<Inventory, 'principals' | 'entitlements' | 'credentials'>;
  grants: DesiredState['grants'];
  desired: Pick<DesiredState, 'shifts' | 'people' | 'coverage' | 'unknownSchedules' | 'unverifiableLedger'>;
  config: Config;
  now: Date;
  /**
   * Keep the findings on a source in doubt that enforce's coverage guard blocks by name (saying which
   * source failed), rather than planning nothing without a word.
   */
  keepDoubtful?: boolean;
}): Judgement => {
  const { desired } = input;
  // Missing duty data is not "nobody is on call": a schedule whose source failed or answered nothing
  // is in doubt, and so is every schedule when a source whose names are unknown (an ICS feed) failed.
  const unknownSchedules = new Set(desired.unknownSchedules);
  const namedTarget = (target: string) => [...dutySources.keys()].some((id) => target.startsWith(`${id}:`));
  const namelessFailure = desired.coverage.some((row) => row.system === 'schedule' && row.status !== 'ok' && !namedTarget(row.target));
  const evaluated = evaluateScan({
    inventory: input.inventory,
    grants: input.grants,
    shifts: desired.shifts,
    people: desired.people,
    config: input.config,
    now: input.now,
    scheduleInDoubt: (schedule) => namelessFailure || unknownSchedules.has(schedule),
  });
  // A JIT tool's ledger that could not be read may have held any grant of the systems it covers.
  const verified = withoutUnverifiable(evaluated.findings, desired.unverifiableLedger);
  const doubtful = [...evaluated.unverifiable, ...verified.unverifiable];
  // Only what a guard blocks by name is kept: everything on a ledger in doubt (its coverage blocks
  // all actions) and off-call findings on a schedule in doubt; any other doubtful finding (access an
  // on-call grant may still cover) is never planned at all.
  const blockable = [...(verified.unverifiable as Finding[]), ...(evaluated.unverifiable as Finding[]).filter((finding) => finding.rule === 'off-call')];
  const judged = input.keepDoubtful ? [...verified.findings, ...blockable] : verified.findings;
  const suppression = applySuppressions(judged, input.config.suppressions, input.now);
  return { findings: suppression.findings, unverifiable: doubtful, ledgerInDoubt: verified.unverifiable.length, suppression };
};
