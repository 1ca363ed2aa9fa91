// What `validate` says about the duty read: per schedule, the shifts and their span; the window
// read; on-call people the people file does not list; grants whose maxLevel no shift can check.
import type { DesiredState } from '../engine/sources.ts';
import { normalizeEmail } from '../engine/identities.ts';
import type { Shift } from '../model/index.ts';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const describeSchedule = (name: string, shifts: readonly Shift[]): string => {
  const first = shifts.reduce((min, shift) => (shift.start < min ? shift.start : min), shifts[0]!.start);
  const last = shifts.reduce((max, shift) => (shift.end > max ? shift.end : max), shifts[0]!.end);
  const levels = [...new Set(shifts.flatMap((shift) => (shift.level === undefined ? [] : [shift.level])))].sort((a, b) => a - b);
  const permanent = shifts.filter((shift) => shift.permanent).length;
  return `  ${name}: ${shifts.length} shift${shifts.length === 1 ? '' : 's'}, ${first} → ${last}${levels.length ? `, levels ${levels.join(', ')}` : ''}${permanent ? `, ${permanent} permanent` : ''}`;
};

export const dutySummary = (state: Pick<DesiredState, 'grants' | 'shifts' | 'people'>, window: { start: Date; end: Date }, peopleFile: boolean): string[] => {
  const bySchedule = new Map<string, Shift[]>();
  for (const shift of state.shifts) {
    const list = bySchedule.get(shift.schedule);
    if (list) list.push(shift);
    else bySchedule.set(shift.schedule, [shift]);
  }
  const names = [...bySchedule.keys()].sort(byString);
  const lines = [`  window read: ${window.start.toISOString()} → ${window.end.toISOString()}`, ...names.map((name) => describeSchedule(name, bySchedule.get(name)!))];

  if (peopleFile) {
    const known = new Set(state.people.people.map((person) => normalizeEmail(person.email)));
    for (const name of names) {
      const missing = [...new Set(bySchedule.get(name)!.map((shift) => normalizeEmail(shift.person)))].filter((person) => !known.has(person)).sort(byString);
      if (missing.length) lines.push(`WARNING schedule ${name}: on call but not in the people file (linked only by the email their systems record): ${missing.join(', ')}`);
    }
  }
  for (const grant of state.grants) {
    if (grant.onCallMaxLevel === undefined || grant.onCall === undefined) continue;
    const shifts = bySchedule.get(grant.onCall) ?? [];
    if (shifts.length && shifts.every((shift) => shift.level === undefined))
      lines.push(`WARNING grant ${grant.id}${grant.source ? ` (${grant.source})` : ''}: maxLevel ${grant.onCallMaxLevel} on schedule "${grant.onCall}", whose shifts carry no escalation level: every shift counts`);
  }
  return lines;
};
