// Indexes for grant matching and on-call lookups: grants by (system, subject), shifts by
// (schedule, person) as sorted, merged intervals. No entitlements × grants scan.
import type { Entitlement, Grant, Shift } from '../model/index.ts';
import { globMatcher, type Matcher } from './glob.ts';
import { looksLikeEmail, normalizeEmail, type Identities } from './identities.ts';

/** A grant with its times parsed to epoch milliseconds and its globs compiled. */
export interface IndexedGrant {
  grant: Grant;
  startMs: number;
  endMs: number;
  revokedMs: number;
  reviewByMs: number;
  target: Matcher;
  resource: Matcher;
  privilege: Matcher;
}

const ms = (iso: string | undefined, absent: number): number => (iso === undefined ? absent : Date.parse(iso));

const key = (a: string, b: string): string => `${a}\u0000${b}`;

export const indexGrant = (grant: Grant): IndexedGrant => ({
  grant,
  startMs: ms(grant.start, Number.NEGATIVE_INFINITY),
  endMs: ms(grant.end, Number.POSITIVE_INFINITY),
  revokedMs: ms(grant.revokedAt, Number.POSITIVE_INFINITY),
  reviewByMs: ms(grant.reviewBy, Number.POSITIVE_INFINITY),
  target: globMatcher(grant.target),
  resource: globMatcher(grant.resource),
  privilege: globMatcher(grant.privilege),
});

/** Within its time window and not revoked at `nowMs` (on-call not considered). */
export const inWindow = (grant: IndexedGrant, nowMs: number): boolean =>
  grant.startMs <= nowMs && nowMs < grant.endMs && nowMs < grant.revokedMs;

/**
 * The matching grants that cover an entitlement at `nowMs`: in their window, not revoked, and (when
 * bound to a schedule) with the subject on call. The one definition of "covered" (rules and enforce).
 */
export const coveringGrants = (matching: IndexedGrant[], entitlement: Entitlement, identities: Identities, shifts: ShiftIndex, nowMs: number): IndexedGrant[] =>
  !matching.length
    ? matching
    : matching.filter((grant) => {
        if (!inWindow(grant, nowMs)) return false;
        if (!grant.grant.onCall) return true;
        const person = identities.personOfSubject(grant.grant.subject) ?? identities.personOf(entitlement.principal);
        return person !== null && shifts.state(grant.grant.onCall, person, nowMs, grant.grant.onCallMaxLevel).onCall;
      });

export interface GrantIndex {
  all: readonly IndexedGrant[];
  /** Grants whose system, subject and globs match the entitlement, whatever their times. */
  matching(entitlement: Entitlement, identities: Identities): IndexedGrant[];
}

export const indexGrants = (grants: readonly Grant[]): GrantIndex => {
  const all = grants.map(indexGrant);
  const bySubject = new Map<string, IndexedGrant[]>();
  for (const grant of all) {
    const subject = looksLikeEmail(grant.grant.subject) ? normalizeEmail(grant.grant.subject) : grant.grant.subject;
    const k = key(grant.grant.system, subject);
    const list = bySubject.get(k);
    if (list) list.push(grant);
    else bySubject.set(k, [grant]);
  }
  return {
    all,
    matching(entitlement, identities) {
      const direct = bySubject.get(key(entitlement.system, entitlement.principal));
      const person = identities.personOf(entitlement.principal);
      const viaPerson = person ? bySubject.get(key(entitlement.system, person)) : undefined;
      if (!direct && !viaPerson) return [];
      const candidates = direct && viaPerson ? [...direct, ...viaPerson] : (direct ?? viaPerson)!;
      return candidates.filter(
        (grant) => grant.target(entitlement.target) && grant.resource(entitlement.resource) && grant.privilege(entitlement.privilege),
      );
    },
  };
};

/** Disjoint, sorted on-call intervals of one person in one schedule. */
interface Intervals {
  starts: number[];
  ends: number[];
}

export interface OnCallState {
  onCall: boolean;
  /** End of the last interval that started at or before the instant (ms), if any. */
  lastEndMs?: number;
  /** The schedule's duty data is missing (its source failed or answered nothing): nobody can be judged off call. */
  unknown?: boolean;
}

export interface ShiftIndex {
  /**
   * Whether `person` is on call for `schedule` at `atMs`, and when their last shift ended. With
   * `maxLevel`, only shifts at that escalation level or lower count (a shift with no level counts).
   */
  state(schedule: string, person: string, atMs: number, maxLevel?: number): OnCallState;
  /** The escalation levels `person` is on call at for `schedule` at `atMs` (shifts without a level left out). */
  levelsAt(schedule: string, person: string, atMs: number): number[];
  schedules(): string[];
}

/** Shifts grouped by (schedule, person) and merged into disjoint sorted intervals. */
const mergeShifts = (shifts: readonly Shift[]): Map<string, Intervals> => {
  const grouped = new Map<string, [number, number][]>();
  for (const shift of shifts) {
    const k = key(shift.schedule, normalizeEmail(shift.person));
    const list = grouped.get(k);
    const interval: [number, number] = [Date.parse(shift.start), Date.parse(shift.end)];
    if (list) list.push(interval);
    else grouped.set(k, [interval]);
  }
  const merged = new Map<string, Intervals>();
  for (const [k, list] of grouped) {
    list.sort((a, b) => a[0] - b[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [start, end] of list) {
      const last = ends.length - 1;
      // Back-to-back shifts (one ends as the next starts) are one continuous duty.
      if (last >= 0 && start <= ends[last]!) ends[last] = Math.max(ends[last]!, end);
      else {
        starts.push(start);
        ends.push(end);
      }
    }
    merged.set(k, { starts, ends });
  }
  return merged;
};

export const indexShifts = (shifts: readonly Shift[], unknownSchedules: readonly string[] = []): ShiftIndex => {
  const merged = mergeShifts(shifts);
  const leveled = shifts.filter((shift) => shift.level !== undefined);
  // Per maxLevel a grant names, the intervals of the shifts at or below it (few distinct values).
  const byMaxLevel = new Map<number, Map<string, Intervals>>();
  const intervalsFor = (maxLevel: number | undefined): Map<string, Intervals> => {
    if (maxLevel === undefined || !leveled.length) return merged;
    let found = byMaxLevel.get(maxLevel);
    if (!found) byMaxLevel.set(maxLevel, (found = mergeShifts(shifts.filter((shift) => shift.level === undefined || shift.level <= maxLevel))));
    return found;
  };
  let leveledByKey: Map<string, Shift[]> | undefined;
  const unknown = new Set(unknownSchedules);
  const scheduleNames = [...new Set(shifts.map((shift) => shift.schedule))].sort();
  return {
    schedules: () => scheduleNames,
    levelsAt(schedule, person, atMs) {
      if (!leveledByKey) {
        leveledByKey = new Map();
        for (const shift of leveled) {
          const k = key(shift.schedule, normalizeEmail(shift.person));
          const list = leveledByKey.get(k);
          if (list) list.push(shift);
          else leveledByKey.set(k, [shift]);
        }
      }
      const levels = (leveledByKey.get(key(schedule, normalizeEmail(person))) ?? [])
        .filter((shift) => Date.parse(shift.start) <= atMs && atMs < Date.parse(shift.end))
        .map((shift) => shift.level!);
      return [...new Set(levels)].sort((a, b) => a - b);
    },
    state(schedule, person, atMs, maxLevel) {
      if (unknown.has(schedule)) return { onCall: false, unknown: true };
      const intervals = intervalsFor(maxLevel).get(key(schedule, normalizeEmail(person)));
      if (!intervals) return { onCall: false };
      // Last interval starting at or before atMs (binary search).
      let lo = 0;
      let hi = intervals.starts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (intervals.starts[mid]! <= atMs) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return { onCall: false };
      const endMs = intervals.ends[found]!;
      return { onCall: atMs < endMs, lastEndMs: endMs };
    },
  };
};
