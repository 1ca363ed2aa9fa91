// The desired state: grant ledger, on-call shifts and the people map, read through the
// source connectors. Malformed input throws InputError; an unreachable feed is a coverage row.
import { basename } from 'node:path';
import { loadLedger, loadPeople, loadSchedules } from '../../connectors/files/index.ts';
import type { Logger } from '../../connectors/types.ts';
import { resolvePath } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { InputError, inputErrors } from '../errors.ts';
import type { Coverage, Grant, People, Shift } from '../model/index.ts';

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

/** Reads the ledger, schedules and people; feeds are fetched under the config's `network` settings and `options.signal` (the scan's deadline). */
export const loadDesiredState = async (
  paths: SourcePaths,
  config: Pick<Config, 'ical'> & Partial<Pick<Config, 'network'>>,
  now: Date,
  options: { signal?: AbortSignal; log?: Logger } = {},
): Promise<DesiredState> => {
  const feed = { ...(config.network ? { network: config.network } : {}), ...options };
  const settled = await Promise.allSettled([
    loadLedger([...paths.ledger]),
    loadSchedules([...paths.schedule], { now, personPattern: config.ical.personPattern, personDomain: config.ical.personDomain, feed }),
    paths.people ? loadPeople(paths.people) : Promise.resolve<People>({ people: [], owners: [] }),
  ] as const);
  // Every source's problems at once: a user fixing the ledger should not then discover the schedule's.
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length) {
    const unexpected = failures.find((error) => !(error instanceof InputError));
    if (unexpected !== undefined || failures.length === 1) throw unexpected ?? failures[0];
    const problems = failures.flatMap((error) => ((error as InputError).problems.length ? (error as InputError).problems : [(error as InputError).message]));
    throw inputErrors('ledger, schedule and people', problems);
  }
  const [grants, schedules, people] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [Grant[], { shifts: Shift[]; coverage: Coverage[] }, People];
  const coverage: Coverage[] = [
    ...paths.ledger.map((path) => ({ system: 'ledger', target: paths.ledger.filter((other) => basename(other) === basename(path)).length > 1 ? path : basename(path), status: 'ok' as const })),
    ...schedules.coverage,
    ...(paths.people ? [{ system: 'people', target: basename(paths.people), status: 'ok' as const }] : []),
  ];
  return { grants, shifts: schedules.shifts, people, coverage };
};

/** Grants bound to a schedule no source provides: every holder would look off call. One warning per grant. */
export const unknownScheduleWarnings = (state: Pick<DesiredState, 'grants' | 'shifts'>): string[] => {
  const known = new Set(state.shifts.map((shift) => shift.schedule));
  return state.grants
    .filter((grant) => grant.onCall !== undefined && !known.has(grant.onCall))
    .map((grant) => `grant ${grant.id}${grant.source ? ` (${grant.source})` : ''}: onCall schedule "${grant.onCall}" has no shifts in any schedule source${known.size ? ` (known: ${[...known].sort().join(', ')})` : ''}`);
};
