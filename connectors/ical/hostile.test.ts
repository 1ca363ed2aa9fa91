// Hostile ICS documents: impossible dates and rules are refused at their own line; rules that
// never or rarely match, and time zone rules that would expand forever, end within bounds and
// say so (a partial schedule), never a hang or gigabytes of memory.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { projectRoot, runBounded } from '../../test/fixtures/bounded.ts';
import { loadSchedules } from '../files/index.ts';
import { scratch } from '../files/test-helpers.ts';
import { parseIcs } from './index.ts';

const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };
const calendar = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
/** An event on lines 4–8, then `extra` from line 9 on. */
const event = (...extra: string[]): string[] => [
  'BEGIN:VEVENT',
  'UID:x',
  'ATTENDEE:mailto:a@example.com',
  'DTSTART:20261102T090000Z',
  'DTEND:20261102T170000Z',
  ...extra,
  'END:VEVENT',
];

const problemsOf = (text: string, options: { personPattern?: string } = {}): string[] => {
  try {
    parseIcs(text, { file: 'hostile.ics', window, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error('expected an InputError');
};

/** Parses in a child with 256 MB of heap and a 30 s deadline; returns the shifts' count and the cuts it printed. */
const boundedParse = async (text: string): Promise<{ shifts: number; cut: string[] }> => {
  const run = await runBounded(
    `import { parseIcs } from '${projectRoot}connectors/ical/index.ts';
     const cut = [];
     const shifts = parseIcs(${JSON.stringify(text)}, { file: 'hostile.ics', window: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') }, cut });
     console.log(JSON.stringify({ shifts: shifts.length, cut }));`,
    { maxOldSpaceMb: 256, timeoutMs: 30_000 },
  );
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { shifts: number; cut: string[] };
};

describe('ICS values are checked at their own line', () => {
  it('refuses dates that do not exist instead of rolling them over', () => {
    const text = calendar('BEGIN:VEVENT', 'UID:x', 'ATTENDEE:mailto:a@example.com', 'DTSTART:20260230T090000Z', 'DTEND:20261301T170000Z', 'EXDATE:20261131T090000Z', 'END:VEVENT');
    expect(problemsOf(text)).toEqual([
      'hostile.ics:7: DTSTART: no such date "20260230T090000Z" (month 2, day 30)',
      'hostile.ics:8: DTEND: no such date "20261301T170000Z" (month 13, day 1)',
      'hostile.ics:9: EXDATE: no such date "20261131T090000Z" (month 11, day 31)',
    ]);
  });

  it('refuses COUNT=-5 and bad FREQ, BYDAY and BYHOUR, each on its own line', () => {
    const text = calendar(...event('RRULE:FREQ=DAILY;COUNT=-5'), ...event('RRULE:FREQ=FORTNIGHTLY'), ...event('RRULE:FREQ=WEEKLY;BYDAY=MO,XX'), ...event('RRULE:FREQ=DAILY;BYHOUR=25'));
    expect(problemsOf(text)).toEqual([
      'hostile.ics:9: RRULE: COUNT: expected a positive whole number, got "-5"',
      'hostile.ics:16: RRULE: FREQ: expected one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY, got "FORTNIGHTLY"',
      'hostile.ics:23: RRULE: BYDAY: expected weekdays such as MO, -1SU or 2TU, got "XX"',
      'hostile.ics:30: RRULE: BYHOUR: expected 0…23, got "25"',
    ]);
  });

  it('refuses a rule that can never occur (30 February), which ical.js would search forever', () => {
    expect(problemsOf(calendar(...event('RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30')))).toEqual([
      'hostile.ics:9: RRULE: never occurs: BYMONTHDAY=30 does not exist in BYMONTH=2',
    ]);
  });

  it('refuses a time zone observance that changes more often than yearly', () => {
    const text = calendar(
      'BEGIN:VTIMEZONE',
      'TZID:Evil',
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      'RRULE:FREQ=SECONDLY',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:x',
      'ATTENDEE:mailto:a@example.com',
      'DTSTART;TZID=Evil:20261102T090000',
      'DTEND;TZID=Evil:20261102T170000',
      'END:VEVENT',
    );
    expect(problemsOf(text)).toEqual(['hostile.ics:8: RRULE: a time zone observance changes at most yearly (FREQ=YEARLY), got FREQ=SECONDLY']);
  });
});

describe('ICS expansion is bounded and says when it was cut', () => {
  it('a SECONDLY rule from 1601 stops at the occurrence bound, in bounded memory, and is reported as cut', async () => {
    const text = calendar('BEGIN:VEVENT', 'UID:x', 'ATTENDEE:mailto:a@example.com', 'DTSTART:16010101T000000Z', 'DTEND:16010101T000001Z', 'RRULE:FREQ=SECONDLY', 'END:VEVENT');
    const { shifts, cut } = await boundedParse(text);
    expect(shifts).toBe(0);
    expect(cut).toEqual([expect.stringMatching(/^hostile\.ics:4: RRULE: expansion stopped after 100,000 occurrences before the window's end; shifts after it may be missing$/)]);
  });

  it('a rule that rarely matches stops at the step bound, in bounded memory, and is reported as cut', async () => {
    const text = calendar(...event('RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=3;BYMINUTE=7;BYSECOND=9'));
    const { cut } = await boundedParse(text);
    expect(cut).toEqual([expect.stringMatching(/^hostile\.ics:4: recurrence expansion stopped after 1,000,000 candidate instants/)]);
  });

  it('the step bound holds for the whole file: many rare rules end as fast as one, each named, the coverage error capped', async () => {
    const events = Array.from({ length: 300 }, (_, index) =>
      ['BEGIN:VEVENT', `UID:e${index}`, 'ATTENDEE:mailto:a@example.com', 'DTSTART:20261102T090000Z', 'DTEND:20261102T170000Z', 'RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=3;BYMINUTE=7;BYSECOND=9', 'END:VEVENT'].join('\r\n'),
    );
    const text = calendar(...events);
    const { cut } = await boundedParse(text);
    expect(cut).toHaveLength(300);
    const { write } = scratch('dutybound-ics-hostile-');
    const { coverage } = await loadSchedules([write('rare.ics', text)], { now: new Date('2026-11-15T00:00:00Z') });
    expect(coverage[0]?.status).toBe('partial');
    expect(coverage[0]?.error).toMatch(/^300 recurrences cut short: .*; … and 295 more$/);
  });

  it('a cut feed is a partial schedule source, not a complete one', async () => {
    const { write } = scratch('dutybound-ics-hostile-');
    const path = write('cut.ics', calendar('BEGIN:VEVENT', 'UID:x', 'ATTENDEE:mailto:a@example.com', 'DTSTART:16010101T000000Z', 'DTEND:16010101T000001Z', 'RRULE:FREQ=SECONDLY', 'END:VEVENT'));
    const { coverage } = await loadSchedules([path], { now: new Date('2026-11-15T00:00:00Z') });
    expect(coverage).toEqual([{ system: 'schedule', target: 'cut.ics', status: 'partial', error: expect.stringMatching(/^1 recurrence cut short: .*cut\.ics:4: RRULE: expansion stopped/) }]);
  });
});

describe('ical.personPattern runs in linear time', () => {
  it('a catastrophic-backtracking pattern on a long summary ends at once', () => {
    const text = calendar('BEGIN:VEVENT', 'UID:x', `SUMMARY:${'a'.repeat(3000)}b`, 'DTSTART:20261102T090000Z', 'DTEND:20261102T170000Z', 'END:VEVENT');
    const started = performance.now();
    const problems = problemsOf(text, { personPattern: '^(?<user>(a+)+)$' });
    expect(problems).toEqual([expect.stringMatching(/^hostile\.ics:4: no person: expected an ATTENDEE with a mailto: address or a SUMMARY matching personPattern/)]);
    // A backtracking engine takes longer than the age of the universe here; RE2 takes milliseconds.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('refuses lookarounds and backreferences, which a linear-time engine cannot run', () => {
    expect(problemsOf(calendar(...event()), { personPattern: '(?=x)(?<email>.*)' })).toEqual([expect.stringMatching(/^personPattern: invalid or unsupported regular expression \(RE2 syntax/)]);
  });
});
