// Schedule files: shifts as YAML/JSON/CSV rows, or ICS feeds (files and http(s) URLs).
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError, inputErrors } from '../../src/errors.ts';
import type { Coverage, Shift } from '../../src/model/index.ts';
import { fetchFeed, isFeedUrl, redactUrl, type FeedOptions } from '../ical/feed.ts';
import { parseIcs } from '../ical/index.ts';
import { email, isoTime, text } from './fields.ts';
import { parseIsoWithOffset } from '../../src/model/time.ts';
import { problem, readListRows, readText, rowIssues, unknownColumns, uniquePaths, withKnownFields } from './rows.ts';
import { appendAll } from '../../src/model/collections.ts';

export interface ScheduleOptions {
  now: Date;
  /** Regular expression on an event SUMMARY when it has no ATTENDEE mailto: (named group `email`, or `user`). */
  personPattern?: string;
  /** Domain appended to a `user` group. */
  personDomain?: string;
  windowDaysBack?: number;
  windowDaysAhead?: number;
  /** Deadlines, retry budget, body cap and progress for feeds read over http(s). */
  feed?: FeedOptions;
}

export const shiftRowSchema = z.strictObject(
  { schedule: text(), person: email(), start: isoTime(), end: isoTime() },
  { error: (issue) => (issue.code === 'invalid_type' ? `expected a map of shift fields, got ${Array.isArray(issue.input) ? 'a list' : typeof issue.input}` : undefined) },
);
const SHIFT_FIELDS = Object.keys(shiftRowSchema.shape);

const DAY_MS = 86_400_000;
/** Cut recurrences named in a coverage error; the rest are counted. */
const MAX_CUTS_LISTED = 5;

const shiftsOfFile = async (file: string, problems: string[]): Promise<Shift[]> => {
  const columns = unknownColumns(file, SHIFT_FIELDS, problems);
  const shifts: Shift[] = [];
  for await (const row of readListRows(file, { what: 'shift', problems, onHeader: columns.onHeader })) {
    const result = shiftRowSchema.safeParse(columns.strip(row.value));
    if (!result.success) {
      appendAll(problems, rowIssues(file, row, withKnownFields(result.error.issues, SHIFT_FIELDS)));
      continue;
    }
    const start = parseIsoWithOffset(result.data.start);
    const end = parseIsoWithOffset(result.data.end);
    if (!start || !end) continue;
    if (end <= start) {
      problems.push(problem(file, row.lineOf(['end']), 'end', `must be after start (${result.data.start}), got ${JSON.stringify(result.data.end)}`));
      continue;
    }
    shifts.push({
      schedule: result.data.schedule,
      person: result.data.person,
      start: start.toISOString(),
      end: end.toISOString(),
      source: `${basename(file)}:${row.line}`,
    });
  }
  return shifts;
};

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** (schedule, person, start, end) in code-point order, so the same inputs give the same output everywhere. */
export const compareShifts = (a: Shift, b: Shift): number =>
  byCodePoint(a.schedule, b.schedule) || byCodePoint(a.person, b.person) || byCodePoint(a.start, b.start) || byCodePoint(a.end, b.end);

type SourceResult = { shifts: Shift[]; coverage: Coverage; problems: string[] };

const problemsOf = (error: unknown): string[] | undefined => (error instanceof InputError ? (error.problems.length ? error.problems : [error.message]) : undefined);

/** Each feed URL's coverage target: redacted, and numbered (`#2`) where two feeds redact alike. */
const feedTargets = (paths: string[]): Map<string, string> => {
  const targets = new Map<string, string>();
  const used = new Map<string, number>();
  for (const path of uniquePaths(paths).filter(isFeedUrl)) {
    const shown = redactUrl(path);
    const count = (used.get(shown) ?? 0) + 1;
    used.set(shown, count);
    targets.set(path, count === 1 ? shown : `${shown} #${count}`);
  }
  return targets;
};

/**
 * Reads schedule sources: `.ics` files and http(s) URLs are ICS feeds, other paths are list files.
 * An unreachable feed is a `failed` coverage row (the others go on); malformed content is an InputError.
 */
/** A source that gave no shift at all in the window read: missing duty data, never "nobody is on call". */
const emptySource = (target: string): Coverage => ({
  system: 'schedule',
  target,
  status: 'failed',
  error: 'no on-call shift at all in the window read (an empty answer is not "nobody is on call")',
});

export const loadSchedules = async (paths: string[], options: ScheduleOptions): Promise<{ shifts: Shift[]; coverage: Coverage[] }> => {
  const now = options.now.getTime();
  const window = {
    start: new Date(now - (options.windowDaysBack ?? 90) * DAY_MS),
    end: new Date(now + (options.windowDaysAhead ?? 30) * DAY_MS),
  };
  const icsOptions = (file: string, cut: string[]) => ({ file, window, personPattern: options.personPattern, personDomain: options.personDomain, cut });

  /** An ICS document as a source: recurrences cut short by the expansion bounds make it partial. */
  const readIcs = (content: string, file: string, target: string): SourceResult => {
    const cut: string[] = [];
    try {
      const shifts = parseIcs(content, icsOptions(file, cut));
      // A recurrence cut short says more than "empty": that comes first.
      if (!shifts.length && !cut.length) return { shifts, coverage: emptySource(target), problems: [] };
      const coverage: Coverage = cut.length
        ? { system: 'schedule', target, status: 'partial', error: `${cut.length} recurrence${cut.length === 1 ? '' : 's'} cut short: ${cut.slice(0, MAX_CUTS_LISTED).join('; ')}${cut.length > MAX_CUTS_LISTED ? `; … and ${cut.length - MAX_CUTS_LISTED} more` : ''}` }
        : { system: 'schedule', target, status: 'ok' };
      return { shifts, coverage, problems: [] };
    } catch (error) {
      const problems = problemsOf(error);
      if (!problems) throw error;
      return { shifts: [], coverage: { system: 'schedule', target, status: 'ok' }, problems };
    }
  };

  const targets = feedTargets(paths);
  const readSource = async (path: string): Promise<SourceResult> => {
    const target = targets.get(path) ?? basename(path);
    const ok: Coverage = { system: 'schedule', target, status: 'ok' };
    if (isFeedUrl(path)) {
      const fetched = await fetchFeed(path, options.feed);
      if ('error' in fetched) return { shifts: [], coverage: { system: 'schedule', target, status: 'failed', error: fetched.error }, problems: [] };
      // What a server answered is not the user's input: a feed that is not a calendar (a login page) failed.
      const read = readIcs(fetched.text, target, target);
      if (!read.problems.length) return read;
      return { shifts: [], coverage: { system: 'schedule', target, status: 'failed', error: `not a readable calendar: ${read.problems[0]}` }, problems: [] };
    }
    if (path.toLowerCase().endsWith('.ics')) {
      const { text: content, problem: unreadable } = await readText(path);
      if (content === undefined) return { shifts: [], coverage: ok, problems: [unreadable ?? `${path}: cannot be read`] };
      return readIcs(content, path, target);
    }
    const problems: string[] = [];
    const shifts = await shiftsOfFile(path, problems);
    return { shifts, coverage: shifts.length || problems.length ? ok : emptySource(target), problems };
  };

  const results = await Promise.all(uniquePaths(paths).map(readSource));
  const problems = results.flatMap((result) => result.problems);
  if (problems.length) throw inputErrors('schedule', problems);
  const seen = new Set<string>();
  const shifts = results
    .flatMap((result) => result.shifts)
    .sort(compareShifts)
    .filter((shift) => {
      const key = `${shift.schedule}\n${shift.person}\n${shift.start}\n${shift.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { shifts, coverage: results.map((result) => result.coverage) };
};
