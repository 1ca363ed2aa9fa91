import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseIcs } from './index.ts';

const fixture = (name: string): { text: string; file: string } => {
  const file = join(import.meta.dirname, '__fixtures__', name);
  return { text: readFileSync(file, 'utf8'), file };
};

const window = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

const brief = (shifts: { person: string; start: string; end: string }[]) => shifts.map(({ person, start, end }) => [person, start, end]);

const failure = (run: () => unknown): InputError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
};

const calendar = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

describe('parseIcs: a weekly rotation', () => {
  const { text, file } = fixture('payments-primary.ics');
  const shifts = parseIcs(text, { file, window: window('2026-11-01T00:00:00Z', '2026-12-15T00:00:00Z') });

  it('names the schedule after X-WR-CALNAME and sorts by person, then start', () => {
    expect(new Set(shifts.map((shift) => shift.schedule))).toEqual(new Set(['Payments primary']));
    expect(brief(shifts)).toEqual([
      // RRULE every two weeks; EXDATE removes 16 Nov; the shift ending after the window's end still overlaps it.
      ['alice@example.com', '2026-11-02T09:00:00.000Z', '2026-11-09T09:00:00.000Z'],
      ['alice@example.com', '2026-11-30T09:00:00.000Z', '2026-12-07T09:00:00.000Z'],
      ['alice@example.com', '2026-12-14T09:00:00.000Z', '2026-12-21T09:00:00.000Z'],
      // 23 Nov is overridden (Carol, moved to 12:00), 7 Dec is cancelled.
      ['bob@example.com', '2026-11-09T09:00:00.000Z', '2026-11-16T09:00:00.000Z'],
      ['carol@example.com', '2026-11-23T12:00:00.000Z', '2026-11-30T09:00:00.000Z'],
    ]);
  });

  it('points each shift at the BEGIN:VEVENT that produced it', () => {
    expect(shifts.map((shift) => shift.source)).toEqual([
      'payments-primary.ics:8',
      'payments-primary.ics:8',
      'payments-primary.ics:8',
      'payments-primary.ics:24',
      'payments-primary.ics:33',
    ]);
  });

  it('only returns occurrences overlapping the window', () => {
    const later = parseIcs(text, { file, window: window('2026-12-20T00:00:00Z', '2026-12-22T00:00:00Z') });
    expect(brief(later)).toEqual([
      ['alice@example.com', '2026-12-14T09:00:00.000Z', '2026-12-21T09:00:00.000Z'],
      ['bob@example.com', '2026-12-21T09:00:00.000Z', '2026-12-28T09:00:00.000Z'],
    ]);
  });

  it('leaves no time zone registered behind', () => {
    const { text: berlin, file: berlinFile } = fixture('platform-secondary-berlin.ics');
    parseIcs(berlin, { file: berlinFile, window: window('2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z') });
    expect(ICAL.TimezoneService.has('Europe/Berlin')).toBe(false);
  });
});

describe('parseIcs: time zones', () => {
  const { text, file } = fixture('platform-secondary-berlin.ics');
  const shifts = parseIcs(text, { file, window: window('2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z') });

  it('keeps 09:00 Europe/Berlin on both sides of the 25 October DST change, with RDATE', () => {
    expect(brief(shifts.filter((shift) => shift.person === 'dave@example.com'))).toEqual([
      ['dave@example.com', '2026-10-12T07:00:00.000Z', '2026-10-12T15:00:00.000Z'],
      ['dave@example.com', '2026-10-19T07:00:00.000Z', '2026-10-19T15:00:00.000Z'],
      ['dave@example.com', '2026-10-24T07:00:00.000Z', '2026-10-24T15:00:00.000Z'],
      ['dave@example.com', '2026-10-26T08:00:00.000Z', '2026-10-26T16:00:00.000Z'],
      ['dave@example.com', '2026-11-02T08:00:00.000Z', '2026-11-02T16:00:00.000Z'],
      ['dave@example.com', '2026-11-09T08:00:00.000Z', '2026-11-09T16:00:00.000Z'],
    ]);
  });

  it('spans all-day events over their days in UTC and honours DURATION', () => {
    expect(brief(shifts.filter((shift) => shift.person === 'erin@example.com'))).toEqual([
      ['erin@example.com', '2026-10-28T19:00:00.000Z', '2026-10-29T07:00:00.000Z'],
      ['erin@example.com', '2026-10-31T00:00:00.000Z', '2026-11-02T00:00:00.000Z'],
    ]);
    expect(shifts.every((shift) => shift.schedule === 'Platform secondary')).toBe(true);
  });

  it('refuses a floating time, naming the file and the line', () => {
    const text = calendar(
      'BEGIN:VEVENT', // 4
      'UID:x',
      'DTSTART:20261102T090000', // 6
      'DTEND:20261102T170000Z',
      'ATTENDEE:mailto:a@example.com',
      'END:VEVENT',
    );
    const error = failure(() => parseIcs(text, { file: 'floating.ics', window: window('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z') }));
    expect(error.problems).toEqual(['floating.ics:6: DTSTART: floating time 20261102T090000 (expected UTC "Z" or a TZID)']);
  });

  it('reports an event that ends before it starts, and every problem of the file in line order', () => {
    const text = calendar(
      'BEGIN:VEVENT', // 4
      'UID:a',
      'DTSTART:20261102T090000',
      'DURATION:PT1H',
      'ATTENDEE:mailto:a@example.com',
      'END:VEVENT',
      'BEGIN:VEVENT', // 10
      'UID:b',
      'DTSTART:20261102T090000Z',
      'DTEND:20261102T080000Z', // 13
      'ATTENDEE:mailto:b@example.com',
      'END:VEVENT',
    );
    const error = failure(() => parseIcs(text, { file: 'two.ics', window: window('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z') }));
    expect(error.problems).toEqual([
      expect.stringMatching(/^two\.ics:6: DTSTART: floating time/),
      'two.ics:13: DTEND: must not be before DTSTART (20261102T090000Z), got 20261102T080000Z',
    ]);
  });

  it('takes a known IANA zone the file does not define from the runtime, DST included', () => {
    const text = calendar(
      'BEGIN:VEVENT',
      'UID:ny',
      'DTSTART;TZID=America/New_York:20261026T090000',
      'DTEND;TZID=America/New_York:20261026T170000',
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'EXDATE;TZID=America/New_York:20261102T090000',
      'ATTENDEE:mailto:nyc@example.com',
      'END:VEVENT',
    );
    const shifts = parseIcs(text, { file: 'ny.ics', window: window('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z') });
    // US daylight saving time ends on 1 November 2026.
    expect(brief(shifts)).toEqual([
      ['nyc@example.com', '2026-10-26T13:00:00.000Z', '2026-10-26T21:00:00.000Z'],
      ['nyc@example.com', '2026-11-09T14:00:00.000Z', '2026-11-09T22:00:00.000Z'],
    ]);
    expect(ICAL.TimezoneService.has('America/New_York')).toBe(false);
  });

  it('refuses a TZID without its VTIMEZONE that the runtime does not know', () => {
    const text = calendar(
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTART;TZID=Mars/Olympus:20261102T090000', // 6
      'DURATION:PT8H',
      'ATTENDEE:mailto:a@example.com',
      'END:VEVENT',
    );
    const error = failure(() => parseIcs(text, { file: 'mars.ics', window: window('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z') }));
    expect(error.problems).toEqual(['mars.ics:6: DTSTART: time zone "Mars/Olympus" has no VTIMEZONE in the file and is not a known IANA zone']);
  });
});

describe('parseIcs: persons', () => {
  const { text, file } = fixture('summary-oncall.ics');
  const range = window('2026-11-15T00:00:00Z', '2026-11-20T00:00:00Z');

  it('reads the person from SUMMARY with a pattern (email, or user + domain) and names the schedule after the file', () => {
    const shifts = parseIcs(text, {
      file,
      window: range,
      personPattern: '^On call: (?:(?<email>\\S+@\\S+)|(?<user>[\\w.-]+))$',
      personDomain: 'example.com',
    });
    expect(shifts.map(({ schedule, person, start, end, source }) => [schedule, person, start, end, source])).toEqual([
      ['summary-oncall', 'frank@example.com', '2026-11-16T08:00:00.000Z', '2026-11-16T20:00:00.000Z', 'summary-oncall.ics:4'],
      ['summary-oncall', 'frank@example.com', '2026-11-17T08:00:00.000Z', '2026-11-17T20:00:00.000Z', 'summary-oncall.ics:18'],
      ['summary-oncall', 'grace.hopper@example.com', '2026-11-16T20:00:00.000Z', '2026-11-17T08:00:00.000Z', 'summary-oncall.ics:11'],
    ]);
  });

  it('prefers ATTENDEE over the summary pattern, one shift per attendee', () => {
    const text = calendar(
      'BEGIN:VEVENT',
      'UID:pair',
      'DTSTART:20261102T090000Z',
      'DTEND:20261102T170000Z',
      'SUMMARY:On call: mallory',
      'ATTENDEE;CN=Oscar:MAILTO:Oscar@Example.com',
      'ATTENDEE;CN=Peggy:mailto:peggy@example.com',
      'END:VEVENT',
    );
    const shifts = parseIcs(text, {
      file: 'pair.ics',
      scheduleName: 'Pairing',
      window: window('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      personPattern: '^On call: (?<user>\\w+)$',
      personDomain: 'example.com',
    });
    expect(shifts.map(({ schedule, person }) => [schedule, person])).toEqual([
      ['Pairing', 'oscar@example.com'],
      ['Pairing', 'peggy@example.com'],
    ]);
  });

  it('keeps two whole events that share a UID', () => {
    const event = (start: string, person: string) => ['BEGIN:VEVENT', 'UID:same', `DTSTART:${start}`, 'DURATION:PT8H', `ATTENDEE:mailto:${person}`, 'END:VEVENT'];
    const text = calendar(...event('20261102T090000Z', 'a@example.com'), ...event('20261103T090000Z', 'b@example.com'));
    const shifts = parseIcs(text, { file: 'same.ics', window: window('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z') });
    expect(brief(shifts)).toEqual([
      ['a@example.com', '2026-11-02T09:00:00.000Z', '2026-11-02T17:00:00.000Z'],
      ['b@example.com', '2026-11-03T09:00:00.000Z', '2026-11-03T17:00:00.000Z'],
    ]);
  });

  it('reports every event without a person at the line of its BEGIN:VEVENT', () => {
    const error = failure(() => parseIcs(text, { file: 'summary-oncall.ics', window: range }));
    expect(error.problems).toEqual([
      expect.stringMatching(/^summary-oncall\.ics:4: no person: expected an ATTENDEE with a mailto: address/),
      expect.stringMatching(/^summary-oncall\.ics:11: no person/),
      expect.stringMatching(/^summary-oncall\.ics:18: no person/),
    ]);
    expect(error.message).toMatch(/^summary-oncall\.ics: 3 problems/);
  });

  it('names the line of a syntax error and refuses a document that is not a calendar', () => {
    const broken = failure(() =>
      parseIcs(calendar('BEGIN:VEVENT', 'UID:x', 'this line has no colon', 'END:VEVENT'), { file: 'broken.ics', window: range }),
    );
    expect(broken.problems).toEqual([expect.stringMatching(/^broken\.ics:6: syntax error/)]);
    const unclosed = failure(() => parseIcs('BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n', { file: 'unclosed.ics', window: range }));
    expect(unclosed.problems).toEqual([expect.stringMatching(/^unclosed\.ics:2: syntax error/)]);
    const html = failure(() => parseIcs('<!doctype html>\n<html></html>\n', { file: 'login.ics', window: range }));
    expect(html.problems).toEqual([expect.stringMatching(/^login\.ics:1: syntax error/)]);
  });
});
