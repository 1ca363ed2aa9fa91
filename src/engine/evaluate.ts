// The pure heart of dutybound: inventory + ledger + schedule + people → findings.
// No I/O, no clock: `now` is an argument.
import { hash } from 'node:crypto';
import { DEFAULT_PRIVILEGED, type Config } from '../config/schema.ts';
import {
  sortFindings,
  type Credential,
  type Entitlement,
  type Finding,
  type Grant,
  type Inventory,
  type People,
  type Principal,
  type Shift,
  type System,
  type Unverifiable,
} from '../model/index.ts';
import { rules as allRules } from '../rules/index.ts';
import type { FindingDraft, Rule, RuleContext, RuleMeta } from '../rules/types.ts';
import { globMatcher } from './glob.ts';
import { asUnverifiable } from './unverifiable.ts';
import { linkIdentities, type Identities } from './identities.ts';
import { coveringGrants, indexGrants, indexShifts, inWindow, type IndexedGrant } from './match.ts';

export interface EvaluateInput {
  inventory: Pick<Inventory, 'principals' | 'entitlements' | 'credentials'>;
  grants: readonly Grant[];
  shifts: readonly Shift[];
  /** Schedules whose duty data is missing (a failed or empty source): nobody is judged off call for them. */
  unknownSchedules?: readonly string[];
  people: People;
  config: Pick<Config, 'rules' | 'privileged' | 'breakGlass'>;
  now: Date;
  /** The rules to run (default: all); for tests. */
  rules?: readonly Rule[];
  /**
   * Whether a schedule's shifts may be incomplete (a schedule source failed or was cut short).
   * A finding that an open on-call grant bound to such a schedule could have prevented is
   * not a finding: it is returned as unverifiable.
   */
  scheduleInDoubt?: (schedule: string) => boolean;
}

export interface Evaluation {
  findings: Finding[];
  /** Findings that depend on duty data that could not be read, sorted like findings. */
  unverifiable: Unverifiable[];
}

const MINUTE_MS = 60_000;

/** Whether an entitlement counts as privileged: the connector's classification, adjusted by the config's lists. */
export const privilegeClassifier = (privileged: Config['privileged']): ((entitlement: Entitlement) => boolean) => {
  const cache = new Map<string, boolean | undefined>();
  const lists = Object.fromEntries(
    (Object.keys(DEFAULT_PRIVILEGED) as System[]).map((system) => [
      system,
      {
        include: [...DEFAULT_PRIVILEGED[system], ...privileged[system].include].map(globMatcher),
        exclude: privileged[system].exclude.map(globMatcher),
      },
    ]),
  ) as Record<System, { include: ((value: string) => boolean)[]; exclude: ((value: string) => boolean)[] }>;
  return (entitlement) => {
    const key = `${entitlement.system}\u0000${entitlement.privilege}`;
    let verdict = cache.get(key);
    if (!cache.has(key)) {
      const list = lists[entitlement.system];
      verdict = list?.exclude.some((match) => match(entitlement.privilege))
        ? false
        : list?.include.some((match) => match(entitlement.privilege))
          ? true
          : undefined;
      cache.set(key, verdict);
    }
    return verdict ?? entitlement.privileged;
  };
};

/** A stable finding id: the hash of what identifies the condition (never of times or wording). */
export const fingerprint = (parts: readonly (string | undefined)[]): string =>
  hash('sha256', parts.map((part) => part ?? '').join('\u0000'), 'buffer').toString('hex', 0, 10);

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

/** The findings only (unverifiable ones left out). */
export const evaluate = (input: EvaluateInput): Finding[] => evaluateScan(input).findings;

/** The schedule of an open on-call grant among `matching` whose shifts are in doubt, if any. */
const doubtfulSchedule = (matching: readonly IndexedGrant[], nowMs: number, inDoubt: ((schedule: string) => boolean) | undefined): string | undefined => {
  if (!inDoubt) return undefined;
  for (const grant of matching) if (grant.grant.onCall !== undefined && inWindow(grant, nowMs) && inDoubt(grant.grant.onCall)) return grant.grant.onCall;
  return undefined;
};

/** Which grants cover an entitlement now, as `evaluate` decides it (for enforce: a covered entitlement is never revoked). */
export const grantCoverage = (
  input: Omit<EvaluateInput, 'rules' | 'inventory'> & { inventory: Pick<Inventory, 'principals'> },
  identities: Identities = linkIdentities(input.inventory.principals, input.people, input.config.breakGlass),
): ((entitlement: Entitlement) => IndexedGrant[]) => {
  const grants = indexGrants(input.grants);
  const shifts = indexShifts(input.shifts);
  const nowMs = input.now.getTime();
  return (entitlement) => coveringGrants(grants.matching(entitlement, identities), entitlement, identities, shifts, nowMs);
};

export const evaluateScan = (input: EvaluateInput): Evaluation => {
  const { inventory, config } = input;
  const nowMs = input.now.getTime();
  const disabled = new Set(config.rules.disabled);
  const active = (input.rules ?? allRules).filter((rule) => !disabled.has(rule.meta.id));
  const identities = linkIdentities(inventory.principals, input.people, config.breakGlass);
  const context: RuleContext = {
    nowMs,
    graceMs: config.rules.graceMinutes * MINUTE_MS,
    thresholds: config.rules,
    identities,
    shifts: indexShifts(input.shifts, input.unknownSchedules),
  };
  const grants = indexGrants(input.grants);
  const isPrivileged = privilegeClassifier(config.privileged);

  const findings: Finding[] = [];
  const unverifiable: Unverifiable[] = [];
  // One object literal of one shape per finding (no spreads): a million findings stay cheap to build and hold.
  const emit = (meta: RuleMeta, draft: FindingDraft, person: string | null): void => {
    findings.push({
      id: fingerprint([meta.id, draft.system, draft.target, draft.principal, draft.privilege, draft.resource, draft.grant, draft.credential, ...(draft.fingerprint ?? [])]),
      rule: meta.id,
      severity: config.rules.severity[meta.id] ?? meta.severity,
      system: draft.system,
      target: draft.target,
      principal: draft.principal,
      person,
      privilege: draft.privilege,
      resource: draft.resource,
      grant: draft.grant,
      credential: draft.credential,
      schedule: draft.schedule,
      since: draft.since,
      message: draft.message,
      remediation: meta.remediation,
      evidence: draft.evidence,
    });
  };
  const emitAll = (meta: RuleMeta, result: FindingDraft | FindingDraft[] | undefined, person: (draft: FindingDraft) => string | null): void => {
    if (result === undefined) return;
    for (const draft of Array.isArray(result) ? result : [result]) emit(meta, draft, person(draft));
  };
  const personOfDraft = (draft: FindingDraft) => identities.personOf(draft.principal);

  const exclusive = active.filter((rule) => rule.scope === 'entitlement' && rule.exclusive);
  const additive = active.filter((rule) => rule.scope === 'entitlement' && !rule.exclusive);
  const privilegedByPrincipal = new Map<string, Entitlement[]>();

  for (const original of inventory.entitlements) {
    const privileged = isPrivileged(original);
    const entitlement = privileged === original.privileged ? original : { ...original, privileged };
    if (privileged) {
      const list = privilegedByPrincipal.get(entitlement.principal);
      if (list) list.push(entitlement);
      else privilegedByPrincipal.set(entitlement.principal, [entitlement]);
    }
    const matching = grants.matching(entitlement, identities);
    const covering = coveringGrants(matching, entitlement, identities, context.shifts, nowMs);
    // A binding's own stated expiry is not an approval: only the ledger covers access. Past it, the
    // access is expired even without a ledger row (expired-grant reads it).
    const facts = { entitlement, matching, covering };
    if (!covering.length) {
      for (const rule of exclusive) {
        if (rule.scope !== 'entitlement') continue;
        const draft = rule.evaluate(facts, context);
        if (draft) {
          emit(rule.meta, draft, identities.personOf(entitlement.principal));
          const schedule = doubtfulSchedule(matching, nowMs, input.scheduleInDoubt);
          if (schedule !== undefined) unverifiable.push(asUnverifiable(findings.pop()!, `the shifts of schedule ${schedule} could not all be read`, schedule));
          break;
        }
      }
    }
    for (const rule of additive) if (rule.scope === 'entitlement') emitAll(rule.meta, rule.evaluate(facts, context), personOfDraft);
  }

  for (const rule of active) {
    if (rule.scope !== 'grant') continue;
    for (const grant of grants.all) emitAll(rule.meta, rule.evaluate(grant, context), (draft) => identities.personOfSubject(draft.principal));
  }

  for (const rule of active) {
    if (rule.scope !== 'credential') continue;
    for (const credential of inventory.credentials) emitAll(rule.meta, rule.evaluate(credential, context), personOfDraft);
  }

  const principalRules = active.filter((rule) => rule.scope === 'principal');
  if (principalRules.length) {
    const credentialsByPrincipal = groupBy<Credential>(inventory.credentials, (credential) => credential.principal);
    const principals = new Map<string, Principal>(inventory.principals.map((principal) => [principal.id, principal]));
    // Entitlements may name principals an inventory does not list: judge them all the same.
    for (const [id, held] of privilegedByPrincipal) {
      if (principals.has(id)) continue;
      const first = held[0]!;
      principals.set(id, { id, system: first.system, target: first.target, kind: 'unknown', human: 'unknown', name: id });
    }
    for (const principal of principals.values()) {
      const facts = {
        principal,
        privileged: privilegedByPrincipal.get(principal.id) ?? [],
        credentials: credentialsByPrincipal.get(principal.id) ?? [],
        breakGlass: identities.isBreakGlass(principal.id),
      };
      for (const rule of principalRules) if (rule.scope === 'principal') emitAll(rule.meta, rule.evaluate(facts, context), personOfDraft);
    }
  }

  return { findings: sortFindings(findings), unverifiable: sortFindings(unverifiable as Finding[]) as unknown as Unverifiable[] };
};
