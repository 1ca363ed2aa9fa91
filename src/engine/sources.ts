// The desired state: grant ledger, on-call shifts and the people map, read through the
// source connectors. Malformed input throws InputError; an unreachable feed is a coverage row.
import { basename } from 'node:path';
import { loadLedger, loadPeople, loadSchedules } from '../../connectors/files/index.ts';
import { resolvePath } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
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
  ledger: [...config.ledger, ...cli.ledger.map((path) => resolvePath(cwd, path))],
  schedule: [...config.schedule, ...cli.schedule.map((path) => resolvePath(cwd, path))],
  people: cli.people ? resolvePath(cwd, cli.people) : config.people,
});

export const loadDesiredState = async (paths: SourcePaths, config: Pick<Config, 'ical'>, now: Date): Promise<DesiredState> => {
  const [grants, schedules, people] = await Promise.all([
    loadLedger([...paths.ledger]),
    loadSchedules([...paths.schedule], { now, personPattern: config.ical.personPattern, personDomain: config.ical.personDomain }),
    paths.people ? loadPeople(paths.people) : Promise.resolve<People>({ people: [], owners: [] }),
  ]);
  const coverage: Coverage[] = [
    ...paths.ledger.map((path) => ({ system: 'ledger', target: basename(path), status: 'ok' as const })),
    ...schedules.coverage,
    ...(paths.people ? [{ system: 'people', target: basename(paths.people), status: 'ok' as const }] : []),
  ];
  return { grants, shifts: schedules.shifts, people, coverage };
};
