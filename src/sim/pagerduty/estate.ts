// The simulated PagerDuty account: users, schedules (their computed shifts), escalation policies
// whose rules point at schedules or directly at users. A seeded generator builds one at any scale.
import { seededRandom } from '../random.ts';

export interface PdUser {
  id: string;
  name: string;
  email: string;
}

/** A schedule's final (computed) shifts, overrides already applied, in UTC. */
export interface PdSchedule {
  id: string;
  name: string;
  shifts: { user: string; start: string; end: string }[];
}

export type PdTarget = { type: 'schedule_reference'; id: string } | { type: 'user_reference'; id: string };

export interface PdPolicy {
  id: string;
  name: string;
  /** Escalation rules in order: the first is level 1. */
  rules: { targets: PdTarget[] }[];
}

export interface PagerdutyEstate {
  users: PdUser[];
  schedules: PdSchedule[];
  policies: PdPolicy[];
  /** The account time zone: times are rendered in it unless a request asks for `time_zone`. */
  timeZone: string;
}

export interface EstateOptions {
  schedules: number;
  /** First and last instant of the generated shifts. */
  start: Date;
  days: number;
  rotationHours?: number;
  usersPerSchedule?: number;
  /** Every n-th policy also names a user directly at level 2 (a permanent on-call); 0: none. */
  permanentEvery?: number;
}

const HOUR_MS = 3_600_000;

const pdId = (prefix: string, index: number): string => `P${prefix}${index.toString(36).toUpperCase().padStart(5, '0')}`;

/** One policy per schedule (level 1 → the schedule); rotations of `rotationHours` through the schedule's users. */
export const createPagerdutyEstate = (seed: number, options: EstateOptions): PagerdutyEstate => {
  const random = seededRandom(seed);
  const rotationMs = (options.rotationHours ?? 24) * HOUR_MS;
  const perSchedule = options.usersPerSchedule ?? 4;
  const users: PdUser[] = [];
  const schedules: PdSchedule[] = [];
  const policies: PdPolicy[] = [];
  const endMs = options.start.getTime() + options.days * 24 * HOUR_MS;
  for (let index = 0; index < options.schedules; index += 1) {
    const team = Array.from({ length: perSchedule }, (_, member) => {
      const user = { id: pdId('U', users.length), name: `Engineer ${index}-${member}`, email: `oncall${index}.${member}@example.com` };
      users.push(user);
      return user;
    });
    const offset = Math.floor(random() * perSchedule);
    const shifts: PdSchedule['shifts'] = [];
    for (let at = options.start.getTime(), turn = offset; at < endMs; at += rotationMs, turn += 1)
      shifts.push({ user: team[turn % perSchedule]!.id, start: new Date(at).toISOString(), end: new Date(Math.min(at + rotationMs, endMs)).toISOString() });
    const schedule = { id: pdId('S', index), name: `Team ${index} primary`, shifts };
    schedules.push(schedule);
    const rules: PdPolicy['rules'] = [{ targets: [{ type: 'schedule_reference', id: schedule.id }] }];
    if (options.permanentEvery && index % options.permanentEvery === 0) rules.push({ targets: [{ type: 'user_reference', id: team[0]!.id }] });
    policies.push({ id: pdId('E', index), name: `Team ${index} escalation`, rules });
  }
  return { users, schedules, policies, timeZone: 'America/New_York' };
};
