// Compares one scan with the previous run (from the state store or a baseline report.json): which
// findings are new, how long each has been open, what was resolved, which privileged entitlements
// came and went. Pure: the same report and previous run give the same answer.
import { SEVERITIES, SYSTEMS, type Coverage, type Entitlement, type Finding, type Severity } from '../model/index.ts';
import type { Drift, EntitlementChange, FindingRef, Report, ResolvedFinding } from '../../reports/types.ts';
import { entitlementKey, type PreviousRun, type StoredFinding } from './store.ts';

const DAY_MS = 86_400_000;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/**
 * Which (system, target) this scan judged completely: only there may a finding or an entitlement the
 * previous run saw be called gone. A failed connector, a failed ledger or schedule, or a target outside
 * `--only` proves nothing about what it would have shown.
 */
export const judgedBy = (coverage: readonly Coverage[]): ((system: string, target: string) => boolean) => {
  const isSystem = (system: string) => (SYSTEMS as readonly string[]).includes(system);
  const sourcesOk = coverage.filter((c) => !isSystem(c.system)).every((c) => c.status === 'ok');
  const rows = new Map(coverage.filter((c) => isSystem(c.system)).map((c) => [`${c.system}\u0000${c.target}`, c.status]));
  const systemOk = new Map<string, boolean>();
  for (const c of coverage) if (isSystem(c.system)) systemOk.set(c.system, (systemOk.get(c.system) ?? true) && c.status === 'ok');
  return (system, target) => {
    if (!sourcesOk) return false;
    const status = rows.get(`${system}\u0000${target}`);
    // A grant-hygiene finding names the grant's target, which may be a glob: the whole system must be read.
    return status === undefined ? systemOk.get(system) === true : status === 'ok';
  };
};

/** The privileged entitlements of an inventory, as drift lists them. */
export const privilegedEntitlements = (entitlements: readonly Entitlement[]): EntitlementChange[] =>
  entitlements
    .filter((e) => e.privileged)
    .map((e) => ({ principal: e.principal, system: e.system, target: e.target, resource: e.resource, privilege: e.privilege, level: e.level, via: e.via }));

/** A baseline report.json as a previous run (its suppressed findings still existed). */
export const previousFromReport = (baseline: Report): PreviousRun => {
  const findings = new Map<string, StoredFinding>();
  for (const f of [...baseline.findings, ...(baseline.suppressed ?? [])])
    findings.set(f.id, { ...pickStored(f), firstSeen: f.firstSeen ?? baseline.now, lastSeen: baseline.now, timesSeen: 1 });
  return { at: baseline.now, findings };
};

export const pickStored = (f: Finding): FindingRef => {
  const stored: FindingRef = {
    id: f.id,
    rule: f.rule,
    severity: f.severity,
    system: f.system,
    target: f.target,
    principal: f.principal,
  };
  if (f.privilege !== undefined) stored.privilege = f.privilege;
  if (f.resource !== undefined) stored.resource = f.resource;
  if (f.credential !== undefined) stored.credential = f.credential;
  return stored;
};

/** What the store records of a finding. */

const withAge = (f: Finding, previous: PreviousRun | undefined, now: string): Finding => {
  const before = previous?.findings.get(f.id);
  const firstSeen = before?.firstSeen ?? now;
  return { ...f, new: before === undefined, firstSeen, ageDays: Math.max(0, Math.floor((Date.parse(now) - Date.parse(firstSeen)) / DAY_MS)) };
};

const resolvedFinding = (f: StoredFinding, now: string): ResolvedFinding => {
  const { firstSeen, lastSeen: _lastSeen, timesSeen: _timesSeen, resolvedAt: _resolvedAt, ...fields } = f;
  return { ...fields, firstSeen, resolvedAt: now };
};

const compareResolved = (a: ResolvedFinding, b: ResolvedFinding): number => rank(a.severity) - rank(b.severity) || byString(a.rule, b.rule) || byString(a.id, b.id);

const entitlementDrift = (current: readonly EntitlementChange[], previous: ReadonlyMap<string, EntitlementChange>, judged: (system: string, target: string) => boolean) => {
  const currentKeys = new Map(current.map((e) => [entitlementKey(e), e]));
  const added = [...currentKeys].filter(([key]) => !previous.has(key));
  const removed = [...previous].filter(([key, e]) => !currentKeys.has(key) && judged(e.system, e.target));
  const sorted = (entries: [string, EntitlementChange][]) => entries.sort(([a], [b]) => byString(a, b)).map(([, e]) => e);
  return { added: sorted(added), removed: sorted(removed) };
};

export interface HistoryResult {
  report: Report;
  /** Ids of open findings judged gone, and the entitlements judged removed (what the store records). */
  resolvedIds: string[];
  removedEntitlements: EntitlementChange[];
}

/**
 * Marks every finding new or not with its firstSeen and age, and adds the drift since the previous run:
 * new and resolved finding ids, the resolved findings themselves, and (when both runs listed them)
 * the privileged entitlements added and removed.
 */
export const applyHistory = (report: Report, previous: PreviousRun | undefined, entitlements?: readonly EntitlementChange[]): HistoryResult => {
  const findings = report.findings.map((f) => withAge(f, previous, report.now));
  const suppressed = report.suppressed?.map((f) => ({ ...withAge(f, previous, report.now), suppression: f.suppression }));
  const judged = judgedBy(report.coverage);
  const current = new Set([...findings, ...(suppressed ?? [])].map((f) => f.id));
  const gone = [...(previous?.findings.values() ?? [])].filter((f) => !current.has(f.id) && judged(f.system, f.target));
  const resolved = gone.map((f) => resolvedFinding(f, report.now)).sort(compareResolved);

  const drift: Drift = {
    added: [...new Set(findings.filter((f) => f.new).map((f) => f.id))].sort(byString),
    removed: resolved.map((f) => f.id).sort(byString),
    ...(previous ? { since: previous.at } : {}),
    resolved,
  };
  if (entitlements && previous?.entitlements) drift.entitlements = entitlementDrift(entitlements, previous.entitlements, judged);
  const next: Report = { ...report, findings, drift };
  if (suppressed) next.suppressed = suppressed;
  return { report: next, resolvedIds: drift.removed, removedEntitlements: drift.entitlements?.removed ?? [] };
};
