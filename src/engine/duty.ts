// Duty read live from on-call APIs (the config's pagerduty:, … sections), and which schedules'
// duty is unknown: a failed source, or one that answered nothing for a schedule grants name,
// is incomplete coverage and never "nobody is on call".
import { dutySources } from '../../connectors/index.ts';
import { silentLogger, type Logger } from '../../connectors/types.ts';
import type { Coverage, Grant, Shift } from '../model/index.ts';
import type { NetworkSettings } from '../../connectors/network.ts';

/** The window every schedule source reads: far enough back to say when duty ended, ahead for the grace. */
export const DUTY_WINDOW_DAYS_BACK = 90;
export const DUTY_WINDOW_DAYS_AHEAD = 30;
const DAY_MS = 86_400_000;

export interface DutyOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  network?: NetworkSettings;
}

export interface LiveDuty {
  shifts: Shift[];
  coverage: Coverage[];
  /** Every name the configured sources serve, with its coverage target. */
  served: Map<string, string>;
}

export const dutyWindow = (now: Date): { start: Date; end: Date } => ({
  start: new Date(now.getTime() - DUTY_WINDOW_DAYS_BACK * DAY_MS),
  end: new Date(now.getTime() + DUTY_WINDOW_DAYS_AHEAD * DAY_MS),
});

/** Reads every configured on-call API; a failed one is `failed` coverage rows, its names' shifts left out. */
export const loadLiveDuty = async (config: Record<string, unknown>, now: Date, options: DutyOptions = {}): Promise<LiveDuty> => {
  const configured = [...dutySources].filter(([id]) => config[id] !== undefined);
  const ctx = { now, window: dutyWindow(now), env: options.env ?? process.env, log: options.log ?? silentLogger, signal: options.signal, sleep: options.sleep, network: options.network };
  const results = await Promise.all(configured.map(([id, source]) => source.collect(config[id], ctx)));
  const served = new Map<string, string>();
  for (const [id, source] of configured) for (const name of source.names(config[id])) served.set(name, `${id}:${name}`);
  return { shifts: results.flatMap((result) => result.shifts), coverage: results.flatMap((result) => result.coverage), served };
};

/**
 * Schedules whose duty is unknown, and the coverage that says why: names whose source failed; names
 * grants use that a configured source serves but answered no shift for in the whole window; and,
 * when a source of unknown names failed (an ICS feed), names grants use that no source has a shift for.
 */
export const dutyGaps = (
  grants: readonly Grant[],
  shifts: readonly Shift[],
  coverage: readonly Coverage[],
  served: ReadonlyMap<string, string>,
): { coverage: Coverage[]; unknownSchedules: string[] } => {
  const withShifts = new Set(shifts.map((shift) => shift.schedule));
  const named = new Set(grants.flatMap((grant) => (grant.onCall === undefined ? [] : [grant.onCall])));
  const targetOf = new Map([...served].map(([name, target]) => [target, name]));
  const unknown = new Set<string>();
  let anonymousFailure = false;
  const rows = coverage.map((row) => {
    if (row.system !== 'schedule' || row.status === 'ok') return row;
    const name = targetOf.get(row.target);
    if (name === undefined) anonymousFailure = true;
    else unknown.add(name);
    return row;
  });
  for (const name of [...named].sort()) {
    if (withShifts.has(name) || unknown.has(name)) continue;
    const target = served.get(name);
    if (target !== undefined) {
      unknown.add(name);
      const index = rows.findIndex((row) => row.system === 'schedule' && row.target === target);
      const error = 'answered no on-call shift in the window read, for a schedule grants name (an empty answer is not "nobody is on call")';
      if (index >= 0) rows[index] = { ...rows[index]!, status: 'failed', error };
    } else if (anonymousFailure) unknown.add(name);
  }
  return { coverage: rows, unknownSchedules: [...unknown].sort() };
};
