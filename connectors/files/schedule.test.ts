import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../src/sim/server.ts';
import { DEFAULT_NETWORK } from '../network.ts';
import { loadSchedules } from './index.ts';
import { failure, fixture, scratch } from './test-helpers.ts';

const icsFixture = (name: string): string => join(import.meta.dirname, '..', 'ical', '__fixtures__', name);

const { dir, write } = scratch('dutybound-schedule-');

const now = new Date('2026-11-23T00:00:00Z');


describe('loadSchedules: files', () => {
  it('reads YAML and CSV shift lists and an ICS file, sorted by schedule, person, start', async () => {
    const { shifts, coverage } = await loadSchedules([fixture('shifts.yaml'), fixture('shifts.csv'), icsFixture('payments-primary.ics')], { now });
    expect(coverage).toEqual([
      { system: 'schedule', target: 'shifts.yaml', status: 'ok' },
      { system: 'schedule', target: 'shifts.csv', status: 'ok' },
      { system: 'schedule', target: 'payments-primary.ics', status: 'ok' },
    ]);
    expect(shifts.filter((shift) => shift.schedule === 'Database primary')).toEqual([
      { schedule: 'Database primary', person: 'nina@example.com', start: '2026-11-16T08:00:00.000Z', end: '2026-11-23T08:00:00.000Z', source: 'shifts.yaml:2' },
      { schedule: 'Database primary', person: 'oliver@example.com', start: '2026-11-23T08:00:00.000Z', end: '2026-11-30T08:00:00.000Z', source: 'shifts.yaml:7' },
    ]);
    expect(shifts.filter((shift) => shift.schedule === 'Networking').map((shift) => [shift.person, shift.source])).toEqual([
      ['pat@example.com', 'shifts.csv:2'],
      ['quinn@example.com', 'shifts.csv:3'],
    ]);
    expect([...new Set(shifts.map((shift) => shift.schedule))]).toEqual(['Database primary', 'Networking', 'Payments primary']);
    // The default window is 90 days back and 30 ahead: the rotation from 2 Nov to 21 Dec is in it, not 28 Dec.
    const payments = shifts.filter((shift) => shift.schedule === 'Payments primary');
    expect(payments.at(0)?.start).toBe('2026-11-02T09:00:00.000Z');
    expect(payments.map((shift) => shift.start)).not.toContain('2026-12-28T09:00:00.000Z');
    expect(payments.map((shift) => shift.start)).toContain('2026-12-21T09:00:00.000Z');
  });

  it('honours a narrower window for feeds', async () => {
    const { shifts } = await loadSchedules([icsFixture('payments-primary.ics')], { now, windowDaysBack: 1, windowDaysAhead: 1 });
    expect(shifts.map((shift) => [shift.person, shift.start])).toEqual([['carol@example.com', '2026-11-23T12:00:00.000Z']]);
  });

  it('passes the summary pattern to ICS feeds', async () => {
    const { shifts } = await loadSchedules([icsFixture('summary-oncall.ics')], {
      now,
      personPattern: '^On call: (?:(?<email>\\S+@\\S+)|(?<user>[\\w.-]+))$',
      personDomain: 'example.com',
    });
    expect(shifts.map((shift) => shift.person)).toEqual(['frank@example.com', 'frank@example.com', 'grace.hopper@example.com']);
  });

  it('reports every malformed row of every source together, with file and line', async () => {
    const yaml = write(
      'bad-shifts.yaml',
      [
        '- schedule: Ops', // 1
        '  person: not-an-email',
        '  start: 2026-11-01T09:00:00Z',
        '  end: 2026-11-01T08:00:00Z',
        '- schedule: Ops', // 5
        '  person: a@example.com',
        '  start: 2026-11-01 09:00',
        '  end: 2026-11-02T09:00:00Z',
        '  team: core',
        '- person: b@example.com', // 10
        '  start: 2026-11-01T09:00:00Z',
        '  end: 2026-11-02T09:00:00Z',
      ].join('\n'),
    );
    const ics = write('nobody.ics', 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nDTSTART:20261120T090000Z\nDTEND:20261120T170000Z\nEND:VEVENT\nEND:VCALENDAR\n');
    const error = await failure(loadSchedules([yaml, ics, join(dir, 'missing.csv')], { now }));
    expect(error.problems).toEqual([
      expect.stringMatching(/bad-shifts\.yaml:2: person: expected an email address, got "not-an-email"$/),
      expect.stringMatching(/bad-shifts\.yaml:7: start: expected ISO 8601 time with an offset, got "2026-11-01 09:00"$/),
      expect.stringMatching(/bad-shifts\.yaml:9: team: unknown field "team"$/),
      expect.stringMatching(/bad-shifts\.yaml:10: schedule: required$/),
      expect.stringMatching(/nobody\.ics:3: no person/),
      expect.stringMatching(/missing\.csv: file not found$/),
    ]);
    // end before start is checked once the row's fields are valid
    const reversed = write('reversed.csv', 'schedule,person,start,end\nOps,a@example.com,2026-11-01T09:00:00Z,2026-11-01T08:00:00Z\n');
    const second = await failure(loadSchedules([reversed], { now }));
    expect(second.problems).toEqual([expect.stringMatching(/reversed\.csv:2: end: must be after start/)]);
  });
});

describe('loadSchedules: URL feeds', () => {
  let server: FakeServer;
  const rotation = readFileSync(icsFixture('payments-primary.ics'), 'utf8');
  const berlin = readFileSync(icsFixture('platform-secondary-berlin.ics'), 'utf8');

  beforeAll(async () => {
    server = await startFakeServer((request) => {
      if (request.path === '/private/f3c1a9b27d4e48c0a5b6/feed/payments.ics')
        return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: rotation, operation: 'feed' };
      if (request.path === '/calendars/platform.ics' && request.query.get('token') === 's3cr3t-token' && request.headers.authorization === `Basic ${Buffer.from('ops:hunter2').toString('base64')}`)
        return { status: 200, headers: { 'content-type': 'text/calendar' }, body: berlin, operation: 'feed' };
      if (request.path === '/calendars/html.ics') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Sign in</body></html>' };
      return { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error', operation: 'broken' };
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('loads feeds over http, and a failing feed is a failed coverage row while the others load', async () => {
    const ok = `${server.url}/private/f3c1a9b27d4e48c0a5b6/feed/payments.ics`;
    const withToken = `${server.url.replace('http://', 'http://ops:hunter2@')}/calendars/platform.ics?token=s3cr3t-token`;
    const broken = `${server.url}/calendars/broken.ics?token=s3cr3t-token`;
    const feed = { network: { ...DEFAULT_NETWORK, retries: 1, retryDelaySeconds: 0 } };
    const { shifts, coverage } = await loadSchedules([ok, withToken, broken, fixture('shifts.csv')], { now, feed });
    expect(coverage).toEqual([
      { system: 'schedule', target: `${server.url}/private/***/feed/***`, status: 'ok' },
      { system: 'schedule', target: `${server.url.replace('http://', 'http://***@')}/calendars/***?token=***`, status: 'ok' },
      { system: 'schedule', target: `${server.url}/calendars/***?token=***`, status: 'failed', error: 'HTTP 500 Internal Server Error' },
      { system: 'schedule', target: 'shifts.csv', status: 'ok' },
    ]);
    expect(JSON.stringify(coverage)).not.toMatch(/s3cr3t|hunter2|f3c1a9b27d4e48c0a5b6/);
    expect(JSON.stringify(shifts)).not.toMatch(/s3cr3t|hunter2|f3c1a9b27d4e48c0a5b6/);
    expect(new Set(shifts.map((shift) => shift.schedule))).toEqual(new Set(['Payments primary', 'Platform secondary', 'Networking']));
    expect(shifts.find((shift) => shift.person === 'carol@example.com')).toMatchObject({
      start: '2026-11-23T12:00:00.000Z',
      source: `${server.url}/private/***/feed/***:33`,
    });
    expect(server.calls.byOperation.get('feed')).toBe(2);
    // A 500 is retried (network.retries), then the feed fails.
    expect(server.calls.byOperation.get('broken')).toBe(2);
  });

  it('reports an unreachable host as failed coverage, not an exception', async () => {
    const closed = await startFakeServer(() => ({ status: 200 }));
    const url = `${closed.url}/feed.ics`;
    await closed.close();
    const { coverage } = await loadSchedules([url], { now, feed: { network: { ...DEFAULT_NETWORK, retries: 0 } } });
    expect(coverage).toEqual([{ system: 'schedule', target: url, status: 'failed', error: expect.stringMatching(/fetch failed.*ECONNREFUSED/) }]);
  });

  it('numbers feeds whose redacted URLs are alike, so each keeps its own coverage row', async () => {
    const first = `${server.url}/private/f3c1a9b27d4e48c0a5b6/feed/payments.ics`;
    const second = `${server.url}/private/0000aaaa/feed/other.ics`;
    const { coverage } = await loadSchedules([first, second], { now, feed: { network: { ...DEFAULT_NETWORK, retries: 0 } } });
    expect(coverage.map((row) => [row.target, row.status])).toEqual([
      [`${server.url}/private/***/feed/***`, 'ok'],
      [`${server.url}/private/***/feed/*** #2`, 'failed'],
    ]);
  });

  it('reads a feed whose content is not a calendar (a login page) as a failed source, not as the user\'s input', async () => {
    const result = await loadSchedules([`${server.url}/calendars/html.ics`], { now });
    expect(result.shifts).toEqual([]);
    expect(result.coverage).toEqual([{ system: 'schedule', target: expect.stringContaining('/calendars/***'), status: 'failed', error: expect.stringMatching(/^not a readable calendar: .*calendars\/\*\*\*:1: syntax error/) }]);
  });
});

describe('a schedule source that gives no shift at all', () => {
  it('is failed coverage, never "nobody is on call" (an empty feed, an empty list)', async () => {
    const ics = write('empty.ics', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dutybound//test//EN\r\nX-WR-CALNAME:platform-primary\r\nEND:VCALENDAR\r\n');
    const list = write('empty-shifts.yaml', '[]\n');
    const result = await loadSchedules([ics, list], { now: new Date('2026-11-16T10:00:00Z') });
    expect(result.shifts).toEqual([]);
    expect(result.coverage).toEqual([
      { system: 'schedule', target: 'empty.ics', status: 'failed', error: expect.stringContaining('an empty answer is not "nobody is on call"') },
      { system: 'schedule', target: 'empty-shifts.yaml', status: 'failed', error: expect.stringContaining('no on-call shift at all in the window read') },
    ]);
  });
});
