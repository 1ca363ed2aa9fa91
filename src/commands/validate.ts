// `dutybound validate`: check the config, ledger, schedule and people files without scanning.
import { loadConfig } from '../config/load.ts';
import { loadDesiredState, sourcePaths, unknownScheduleWarnings } from '../engine/sources.ts';
import { dutyWindow } from '../engine/duty.ts';
import { dutySummary } from './duty-summary.ts';
import { EXIT, parseNow } from './scan.ts';
import { say, stderrLogger, type Io } from './io.ts';

export interface ValidateOptions {
  config?: string;
  ledger: string[];
  schedule: string[];
  people?: string;
  now?: string;
}

export const runValidate = async (options: ValidateOptions, io: Io): Promise<number> => {
  const { config, file, baseDir } = loadConfig(options.config, io.cwd, io.env);
  const now = parseNow(options.now);
  const state = await loadDesiredState(sourcePaths(config, options, io.cwd), config, now, { baseDir, log: stderrLogger(io), env: io.env });
  const schedules = new Set(state.shifts.map((shift) => shift.schedule));
  const failed = state.coverage.filter((row) => row.status !== 'ok');
  const lines = [
    `config: ${file ?? '(none; defaults)'} ok`,
    `ledger: ${state.grants.length} grants`,
    `schedule: ${state.shifts.length} shifts in ${schedules.size} schedule${schedules.size === 1 ? '' : 's'}${schedules.size ? ` (${[...schedules].sort().join(', ')})` : ''}`,
    ...dutySummary(state, dutyWindow(now), Boolean(options.people ?? config.people)),
    `people: ${state.people.people.length} people, ${state.people.owners.length} owner rules`,
    ...failed.map((row) => `${row.status === 'partial' ? 'PARTLY READ' : 'UNREADABLE'} ${row.system}:${row.target} — ${row.error ?? row.status}`),
    ...unknownScheduleWarnings(state).map((warning) => `WARNING ${warning}`),
  ];
  await say(io.stdout, `${lines.join('\n')}\n`);
  return failed.length ? EXIT.incomplete : EXIT.clean;
};
