// The desired state: grant ledger, on-call shifts and the people map, read through the
// source connectors. Malformed input throws InputError; an unreachable feed is a coverage row.
import { basename } from 'node:path';
import { loadLedger, loadPeople, loadSchedules } from '../../connectors/files/index.ts';
import { feedCache } from '../../connectors/ical/cache.ts';
import { ledgerSources } from '../../connectors/index.ts';
import { silentLogger, type Logger, type LedgerResult } from '../../connectors/types.ts';
import { resolvePath } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { InputError, inputErrors } from '../errors.ts';
import { dutyGaps, loadLiveDuty, type DutyOptions, type LiveDuty } from './duty.ts';
import type { Coverage, Grant, People, Shift, System } from '../model/index.ts';

export interface SourcePaths {
  ledger: readonly string[];
  schedule: readonly string[];
  people?: string;
}

export interface DesiredState {
  grants: Grant[];
  shifts: Shift[];
  people: People;
  coverage: Coverage[];
  /** Systems whose ledger findings cannot be trusted (a JIT tool's table failed): they are not reported. */
  unverifiableLedger: System[];
  /** Schedules whose duty data is missing (failed or empty source): no off-call finding depends on them. */
  unknownSchedules: string[];
}

/** The config's source paths plus those given on the command line (resolved against the working directory). */
export const sourcePaths = (
  config: Pick<Config, 'ledger' | 'schedule' | 'people'>,
  cli: { ledger: readonly string[]; schedule: readonly string[]; people?: string },
  cwd: string,
): SourcePaths => ({
  // A file named both in the config and on the command line is read once.
  ledger: [...new Set([...config.ledger, ...cli.ledger.map((path) => resolvePath(cwd, path))])],
  schedule: [...new Set([...config.schedule, ...cli.schedule.map((path) => resolvePath(cwd, path))])],
  people: cli.people ? resolvePath(cwd, cli.people) : config.people,
});

export interface SourceContext {
  /** Directory of the config file: relative paths in a source's section resolve against it. */
  baseDir: string;
  log: Logger;
  signal?: AbortSignal;
}

export interface JitLedger extends LedgerResult {
  /** Systems whose ledger findings cannot be trusted: a source covering them failed or was read in part. */
  unverifiable: System[];
}

/** The JIT tools' approvals (the config's awsTeam, teleport, commonFate sections) as ledger rows. */
export const loadLedgerSources = async (config: Partial<Config>, now: Date, context: SourceContext): Promise<JitLedger> => {
  const sections = config as Record<string, unknown>;
  const configured = [...ledgerSources.values()].filter((source) => sections[source.id] !== undefined);
  const results = await Promise.all(configured.map(async (source) => ({ source, result: await source.load(sections[source.id], { ...context, now }) })));
  const unverifiable = results.flatMap(({ source, result }) => (result.coverage.some((row) => row.status !== 'ok') ? source.systems(sections[source.id]) : []));
  return {
    grants: results.flatMap(({ result }) => result.grants),
    coverage: results.flatMap(({ result }) => result.coverage),
    unverifiable: [...new Set(unverifiable)].sort(),
  };
};

/** Reads the ledger, schedules and people; feeds are fetched under the config's `network` settings and `context.signal` (the scan's deadline). */
export const loadDesiredState = async (
  paths: SourcePaths,
  config: Pick<Config, 'ical'> & Partial<Config>,
  now: Date,
  context: SourceContext & DutyOptions = { baseDir: process.cwd(), log: silentLogger },
): Promise<DesiredState> => {
  const feed = {
    ...(config.network ? { network: config.network } : {}),
    ...(config.ical.cacheDir ? { cache: feedCache(resolvePath(context.baseDir, config.ical.cacheDir)) } : {}),
    signal: context.signal,
    log: context.log,
  };
  const settled = await Promise.allSettled([
    loadLedger([...paths.ledger]),
    loadSchedules([...paths.schedule], { now, personPattern: config.ical.personPattern, personDomain: config.ical.personDomain, feed }),
    paths.people ? loadPeople(paths.people) : Promise.resolve<People>({ people: [], owners: [] }),
    loadLedgerSources(config, now, context),
    loadLiveDuty(config as Record<string, unknown>, now, { ...context, ...(config.network ? { network: config.network } : {}) }),
  ] as const);
  // Every source's problems at once: a user fixing the ledger should not then discover the schedule's.
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length) {
    const unexpected = failures.find((error) => !(error instanceof InputError));
    if (unexpected !== undefined || failures.length === 1) throw unexpected ?? failures[0];
    const problems = failures.flatMap((error) => ((error as InputError).problems.length ? (error as InputError).problems : [(error as InputError).message]));
    throw inputErrors('ledger, schedule and people', problems);
  }
  const [fileGrants, files, people, jit, live] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [Grant[], { shifts: Shift[]; coverage: Coverage[] }, People, JitLedger, LiveDuty];
  const grants = [...fileGrants, ...jit.grants];
  const schedules = { shifts: [...files.shifts, ...live.shifts], coverage: [...files.coverage, ...live.coverage] };
  const gaps = dutyGaps(grants, schedules.shifts, schedules.coverage, live.served);
  const coverage: Coverage[] = [
    ...jit.coverage,
    ...paths.ledger.map((path) => ({ system: 'ledger', target: paths.ledger.filter((other) => basename(other) === basename(path)).length > 1 ? path : basename(path), status: 'ok' as const })),
    ...gaps.coverage,
    ...(paths.people ? [{ system: 'people', target: basename(paths.people), status: 'ok' as const }] : []),
  ];
  return { grants, shifts: schedules.shifts, people, coverage, unverifiableLedger: jit.unverifiable, unknownSchedules: gaps.unknownSchedules };
};

/** Grants bound to a schedule no source provides: every holder would look off call. One warning per grant. */
export const unknownScheduleWarnings = (state: Pick<DesiredState, 'grants' | 'shifts'> & Partial<Pick<DesiredState, 'unknownSchedules'>>): string[] => {
  const known = new Set(state.shifts.map((shift) => shift.schedule));
  // Schedules whose source failed or answered nothing are coverage rows already.
  const missing = new Set(state.unknownSchedules);
  return state.grants
    .filter((grant) => grant.onCall !== undefined && !known.has(grant.onCall) && !missing.has(grant.onCall))
    .map((grant) => `grant ${grant.id}${grant.source ? ` (${grant.source})` : ''}: onCall schedule "${grant.onCall}" has no shifts in any schedule source${known.size ? ` (known: ${[...known].sort().join(', ')})` : ''}`);
};
