// ICS feeds as on-call shifts: recurring events expanded within a window (RRULE, RDATE,
// EXDATE, RECURRENCE-ID overrides), times resolved with the file's own VTIMEZONEs.
import { basename, extname } from 'node:path';
import ICAL from 'ical.js';
import { inputErrors } from '../../src/errors.ts';
import type { Shift } from '../../src/model/index.ts';
import { displayPath } from '../files/rows.ts';
import { isFeedUrl } from './feed.ts';
import { compilePersonPattern, MAX_SUMMARY_CHARS, personPatternProblem } from './pattern.ts';
import { valueProblems } from './values.ts';
import { maxOf } from '../../src/model/collections.ts';
import { occurrenceEnd } from './occurrence.ts';

export interface IcsOptions {
  /** The file or (redacted) URL, for messages and each shift's `source`. */
  file: string;
  /** Schedule name when the calendar has no X-WR-CALNAME (default: the file name without extension). */
  scheduleName?: string;
  /** Occurrences overlapping [start, end) are returned. */
  window: { start: Date; end: Date };
  /** Regular expression on SUMMARY for events without an ATTENDEE mailto: (named group `email`, or `user`). */
  personPattern?: string;
  personDomain?: string;
  /**
   * Receives `file:line: why` for each recurrence cut short by the expansion bounds (its shifts
   * may be missing: the caller marks the source partial). Without it, a cut is a problem.
   */
  cut?: string[];
}

/** A recurrence is expanded at most this many occurrences up to the window's end; past it, it is cut. */
export const MAX_OCCURRENCES = 100_000;
/**
 * Candidate instants ical.js may try within one document, events and time zone rules together:
 * a rule that never matches (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) would otherwise loop forever.
 */
export const MAX_RECURRENCE_STEPS = 1_000_000;

class RecurrenceLimitError extends Error {}

let stepsLeft = Infinity;
// Every candidate of every ical.js recurrence iterator (events' and VTIMEZONE observances') passes
// through check_contracting_rules; counting there bounds the loops ical.js has no bound for.
const iteratorPrototype = ICAL.RecurIterator.prototype as unknown as { check_contracting_rules(): boolean };
const checkContractingRules = iteratorPrototype.check_contracting_rules;
iteratorPrototype.check_contracting_rules = function (this: unknown): boolean {
  if (--stepsLeft < 0) throw new RecurrenceLimitError(`recurrence expansion stopped after ${MAX_RECURRENCE_STEPS.toLocaleString('en')} candidate instants in this file (a rule that never or rarely matches?)`);
  return checkContractingRules.call(this);
};

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const TIME_PROPERTIES = ['dtstart', 'dtend', 'recurrence-id', 'rdate', 'exdate'] as const;

/** Where each VEVENT and its properties are in the text (ical.js does not keep positions). */
interface EventLines {
  begin: number;
  properties: Map<string, number[]>;
}

const scanLines = (text: string): { events: EventLines[]; unclosed?: number; physical: string[] } => {
  const physical = text.split(/\r\n|\n|\r/);
  const events: EventLines[] = [];
  const stack: { name: string; line: number; event?: EventLines }[] = [];
  physical.forEach((raw, index) => {
    if (/^[ \t]/.test(raw) || !raw.trim()) return;
    const line = index + 1;
    const name = (/^[^;:]*/.exec(raw)?.[0] ?? '').trim().toUpperCase();
    const value = raw.slice(raw.indexOf(':') + 1).trim().toUpperCase();
    if (name === 'BEGIN') {
      const event = value === 'VEVENT' ? { begin: line, properties: new Map<string, number[]>() } : undefined;
      if (event) events.push(event);
      stack.push({ name: value, line, event });
    } else if (name === 'END') {
      stack.pop();
    } else {
      const top = stack.at(-1);
      if (top?.event) top.event.properties.set(name.toLowerCase(), [...(top.event.properties.get(name.toLowerCase()) ?? []), line]);
    }
  });
  return { events, unclosed: stack.at(-1)?.line, physical };
};

/** The instant of an ical.js time; DATE values are their day in UTC. */
const instantOf = (time: ICAL.Time): Date =>
  time.isDate ? new Date(Date.UTC(time.year, time.month - 1, time.day)) : time.toJSDate();

const nameWithoutExtension = (file: string): string => {
  // A feed's file name is shown redacted: one that is a secret (`***`) leaves the host as the name.
  const name = isFeedUrl(file) ? ([new URL(file).pathname.split('/').filter(Boolean).at(-1)].find((last) => last && last !== '***') ?? new URL(file).hostname) : basename(file);
  return name.slice(0, name.length - extname(name).length) || name;
};

const DAY_MS = 86_400_000;

const offsetMinutes = (format: Intl.DateTimeFormat, at: number): number => {
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0)) : 0;
};

const icalOffset = (minutes: number): string =>
  `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}${String(Math.abs(minutes) % 60).padStart(2, '0')}`;

const icalLocal = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');

/**
 * A VTIMEZONE for an IANA zone the file names without defining, built from the runtime's
 * time zone data: one observance per offset change within the years around the window.
 */
const zoneFromRuntime = (tzid: string, window: { start: Date; end: Date }): ICAL.Component | undefined => {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tzid, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const from = Date.UTC(window.start.getUTCFullYear() - 1, 0, 1);
  const to = Date.UTC(window.end.getUTCFullYear() + 2, 0, 1);
  const first = offsetMinutes(format, from);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`, 'BEGIN:STANDARD', 'DTSTART:16010101T000000', `TZOFFSETFROM:${icalOffset(first)}`, `TZOFFSETTO:${icalOffset(first)}`, 'END:STANDARD'];
  let previous = first;
  for (let day = from + DAY_MS; day <= to; day += DAY_MS) {
    const offset = offsetMinutes(format, day);
    if (offset === previous) continue;
    // The change happened within the last day: find its minute.
    let before = day - DAY_MS;
    let after = day;
    while (after - before > 60_000) {
      const middle = before + Math.floor((after - before) / 120_000) * 60_000;
      if (offsetMinutes(format, middle) === previous) before = middle;
      else after = middle;
    }
    const kind = offset > previous ? 'DAYLIGHT' : 'STANDARD';
    lines.push(`BEGIN:${kind}`, `DTSTART:${icalLocal(after + previous * 60_000)}`, `TZOFFSETFROM:${icalOffset(previous)}`, `TZOFFSETTO:${icalOffset(offset)}`, `END:${kind}`);
    previous = offset;
  }
  lines.push('END:VTIMEZONE');
  return new ICAL.Component(ICAL.parse(lines.join('\r\n')) as unknown[]);
};

const isCancelled = (component: ICAL.Component): boolean => String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';

/** Parses one ICS document into shifts (sorted by schedule, person, start); every problem is reported in one InputError. */
export const parseIcs = (text: string, options: IcsOptions): Shift[] => {
  const { file, window } = options;
  const where = displayPath(file);
  const problems: { line: number; message: string }[] = [];
  const at = (line: number, message: string): void => void problems.push({ line, message });
  const { events: eventLines, unclosed, physical } = scanLines(text);

  if (options.personPattern !== undefined) {
    const why = personPatternProblem(options.personPattern);
    if (why) throw inputErrors(where, [`personPattern: ${why}`]);
  }
  const pattern = options.personPattern === undefined ? undefined : compilePersonPattern(options.personPattern);

  const badValues = valueProblems(text);
  if (badValues.length) throw inputErrors(where, badValues.map(({ line, message }) => `${where}:${line}: ${message}`));
  /** A recurrence cut short by the bounds: the caller's coverage note, else a problem. */
  const cutShort = (line: number, message: string): void => {
    if (options.cut) options.cut.push(`${where}:${line}: ${message}; shifts after it may be missing`);
    else at(line, message);
  };

  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const quoted = /\) "(.*)"$/.exec(message)?.[1];
    const line = quoted ? physical.findIndex((raw) => raw.startsWith(quoted)) + 1 : /did not end/.test(message) ? (unclosed ?? 0) : 0;
    throw inputErrors(where, [`${where}:${line || 1}: syntax error: ${message}`]);
  }
  const jcals = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
  const calendars = jcals
    .filter((jcal) => Array.isArray(jcal) && jcal.length)
    .map((jcal) => new ICAL.Component(jcal as unknown[]))
    .filter((component) => component.name === 'vcalendar');
  if (!calendars.length) throw inputErrors(where, [`${where}:1: expected an iCalendar feed (BEGIN:VCALENDAR)`]);

  // The file's own time zones win; register them for the duration of this parse only.
  const registered: string[] = [];
  const shifts: Shift[] = [];
  const sourcePrefix = isFeedUrl(file) ? file : basename(file);
  let eventIndex = 0;
  stepsLeft = MAX_RECURRENCE_STEPS;
  try {
    for (const calendar of calendars) {
      for (const zone of calendar.getAllSubcomponents('vtimezone')) {
        const tzid = String(zone.getFirstPropertyValue('tzid') ?? '');
        if (tzid && !ICAL.TimezoneService.has(tzid)) {
          ICAL.TimezoneService.register(zone);
          registered.push(tzid);
        }
      }
      // Zones the file names without defining: from the runtime's IANA data, when it knows them.
      for (const event of calendar.getAllSubcomponents('vevent'))
        for (const name of TIME_PROPERTIES)
          for (const property of event.getAllProperties(name)) {
            const tzid = property.getParameter('tzid');
            if (typeof tzid !== 'string' || ICAL.TimezoneService.has(tzid) || calendar.getTimeZoneByID(tzid)) continue;
            const zone = zoneFromRuntime(tzid, window);
            if (!zone) continue;
            ICAL.TimezoneService.register(zone);
            registered.push(tzid);
          }
      const calendarName = calendar.getFirstPropertyValue('x-wr-calname');
      const schedule = (typeof calendarName === 'string' && calendarName.trim()) || options.scheduleName || nameWithoutExtension(file);

      const components = calendar.getAllSubcomponents('vevent').map((component) => ({ component, lines: eventLines[eventIndex++] }));
      const lineOf = (entry: (typeof components)[number], property?: string, index = 0): number =>
        (property ? entry.lines?.properties.get(property)?.[index] : undefined) ?? entry.lines?.begin ?? 1;

      /** Problems with the times of one VEVENT: floating times, unknown TZIDs. */
      const checkTimes = (entry: (typeof components)[number]): boolean => {
        let ok = true;
        if (!entry.component.hasProperty('dtstart')) {
          at(lineOf(entry), 'DTSTART: required');
          return false;
        }
        for (const name of TIME_PROPERTIES) {
          entry.component.getAllProperties(name).forEach((property, index) => {
            const tzid = property.getParameter('tzid');
            for (const value of property.getValues()) {
              const time = value instanceof ICAL.Period ? value.start : value;
              if (!(time instanceof ICAL.Time) || time.isDate || time.zone !== ICAL.Timezone.localTimezone) continue;
              ok = false;
              at(
                lineOf(entry, name, index),
                tzid
                  ? `${name.toUpperCase()}: time zone ${JSON.stringify(tzid)} has no VTIMEZONE in the file and is not a known IANA zone`
                  : `${name.toUpperCase()}: floating time ${time.toICALString()} (expected UTC "Z" or a TZID)`,
              );
              break;
            }
          });
        }
        if (ok && entry.component.hasProperty('dtend')) {
          const event = new ICAL.Event(entry.component);
          if (event.endDate.compare(event.startDate) < 0) {
            ok = false;
            at(lineOf(entry, 'dtend'), `DTEND: must not be before DTSTART (${event.startDate.toICALString()}), got ${event.endDate.toICALString()}`);
          }
        }
        return ok;
      };

      const personsOf = (entry: (typeof components)[number]): string[] | undefined => {
        const attendees = entry.component.getAllProperties('attendee');
        const emails: string[] = [];
        attendees.forEach((property, index) => {
          const value = String(property.getFirstValue() ?? '');
          if (!/^mailto:/i.test(value)) return;
          const address = decodeURIComponent(value.replace(/^mailto:/i, '')).trim().toLowerCase();
          if (EMAIL.test(address)) emails.push(address);
          else at(lineOf(entry, 'attendee', index), `ATTENDEE: expected a mailto: email address, got ${JSON.stringify(value)}`);
        });
        if (emails.length) return [...new Set(emails)];
        const summary = String(entry.component.getFirstPropertyValue('summary') ?? '');
        const matched = pattern?.(summary);
        if (matched?.truncated) cutShort(lineOf(entry, 'summary'), `SUMMARY: longer than ${MAX_SUMMARY_CHARS} characters, personPattern matched its start only`);
        const groups = matched?.match;
        if (groups?.email) {
          const address = groups.email.trim().toLowerCase();
          if (EMAIL.test(address)) return [address];
          at(lineOf(entry, 'summary'), `SUMMARY: personPattern captured ${JSON.stringify(groups.email)}, not an email address`);
          return undefined;
        }
        if (groups?.user) {
          if (!options.personDomain) {
            at(lineOf(entry, 'summary'), `SUMMARY: personPattern captured user ${JSON.stringify(groups.user)} but no personDomain is set`);
            return undefined;
          }
          return [`${groups.user.trim()}@${options.personDomain.replace(/^@/, '')}`.toLowerCase()];
        }
        at(
          lineOf(entry),
          `no person: expected an ATTENDEE with a mailto: address${pattern ? ` or a SUMMARY matching personPattern (got ${JSON.stringify(summary)})` : ' (or set ical.personPattern to read it from SUMMARY)'}`,
        );
        return undefined;
      };

      const emit = (persons: string[], start: Date, end: Date, line: number): void => {
        if (!(end > window.start && start < window.end && end > start)) return;
        for (const person of persons)
          shifts.push({ schedule, person, start: start.toISOString(), end: end.toISOString(), source: `${sourcePrefix}:${line}` });
      };

      // Group overrides (RECURRENCE-ID) with their series by UID.
      const masters = new Map<string, (typeof components)[number]>();
      const overrides = new Map<string, (typeof components)[number][]>();
      components.forEach((entry, index) => {
        const uid = String(entry.component.getFirstPropertyValue('uid') ?? `(no uid ${index})`);
        if (entry.component.hasProperty('recurrence-id')) overrides.set(uid, [...(overrides.get(uid) ?? []), entry]);
        // A UID used twice for whole events (a sloppy export) keeps both; overrides go with the first.
        else masters.set(masters.has(uid) ? `${uid}\n${index}` : uid, entry);
      });

      for (const [uid, entry] of masters) {
        try {
          const related = overrides.get(uid) ?? [];
          const timesOk = [entry, ...related].map(checkTimes).every(Boolean);
          if (!timesOk || isCancelled(entry.component)) continue;
          const persons = new Map<ICAL.Component, string[] | undefined>();
          for (const item of [entry, ...related]) if (!isCancelled(item.component)) persons.set(item.component, personsOf(item));
          const event = new ICAL.Event(entry.component, { exceptions: related.map((item) => item.component), strictExceptions: true });
          const lineOfComponent = new Map([entry, ...related].map((item) => [item.component, lineOf(item)]));
          const latestOverride = maxOf(related.map((item) => instantOf(new ICAL.Event(item.component).recurrenceId).getTime()));
          const limit = Math.max(window.end.getTime(), latestOverride);
          const iterator = event.iterator();
          let count = 0;
          for (let next = iterator.next(); next; next = iterator.next()) {
            if (instantOf(next).getTime() >= limit) break;
            if (++count > MAX_OCCURRENCES) {
              cutShort(lineOf(entry), `RRULE: expansion stopped after ${MAX_OCCURRENCES.toLocaleString('en')} occurrences before the window's end`);
              break;
            }
            const details = event.getOccurrenceDetails(next);
            const item = details.item.component;
            if (isCancelled(item)) continue;
            const who = persons.get(item);
            if (who) emit(who, instantOf(details.startDate), instantOf(occurrenceEnd(details)), lineOfComponent.get(item) ?? lineOf(entry));
          }
        } catch (error) {
          if (error instanceof RecurrenceLimitError) cutShort(lineOf(entry), error.message);
          else at(lineOf(entry), `invalid event: ${(error as Error).message}`);
        }
      }

      // Overrides whose series is not in the file stand alone.
      for (const [uid, related] of overrides) {
        if (masters.has(uid)) continue;
        for (const entry of related) {
          try {
            if (!checkTimes(entry) || isCancelled(entry.component)) continue;
            const who = personsOf(entry);
            const event = new ICAL.Event(entry.component);
            if (who) emit(who, instantOf(event.startDate), instantOf(event.endDate), lineOf(entry));
          } catch (error) {
            if (error instanceof RecurrenceLimitError) cutShort(lineOf(entry), error.message);
            else at(lineOf(entry), `invalid event: ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    stepsLeft = Infinity;
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
  if (problems.length)
    throw inputErrors(
      where,
      problems.sort((a, b) => a.line - b.line).map(({ line, message }) => `${where}:${line}: ${message}`),
    );
  return shifts.sort(
    (a, b) =>
      compare(a.schedule, b.schedule) || compare(a.person, b.person) || compare(a.start, b.start) || compare(a.end, b.end),
  );
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
