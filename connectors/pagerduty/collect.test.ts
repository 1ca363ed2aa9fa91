import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../types.ts';
import { createPagerdutyEstate, type PagerdutyEstate } from '../../src/sim/pagerduty/estate.ts';
import { startPagerdutyFake, type PagerdutyFake } from '../../src/sim/pagerduty/fake.ts';
import type { FakeRequest, FakeResponse } from '../../src/sim/server.ts';
import { collectPagerduty, MAX_RANGE_DAYS, PAGE_LIMIT } from './collect.ts';
import { pagerdutySchema } from './schema.ts';
import { maxOf } from '../../src/model/collections.ts';

const TOKEN = 'u+pdTestToken-7c1e9f';
const NOW = new Date('2026-11-16T10:00:00Z');
const DAY_MS = 86_400_000;
const WINDOW = { start: new Date(NOW.getTime() - 90 * DAY_MS), end: new Date(NOW.getTime() + 30 * DAY_MS) };

let fake: PagerdutyFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const start = async (estate: PagerdutyEstate, inject?: (request: FakeRequest, call: number) => FakeResponse | undefined) =>
  (fake = await startPagerdutyFake(estate, { token: TOKEN, inject }));

const run = (config: Record<string, unknown>, options: { token?: string; sleeps?: number[] } = {}) =>
  collectPagerduty(pagerdutySchema.parse({ baseUrl: fake!.url, ...config }), {
    now: NOW,
    window: WINDOW,
    env: { PAGERDUTY_TOKEN: options.token ?? TOKEN },
    log: silentLogger,
    sleep: async (ms) => void options.sleeps?.push(ms),
  });

/** One schedule rotating every `hours` over the whole window, one policy pointing at it. */
const rotation = (hours: number, extra: Partial<Parameters<typeof createPagerdutyEstate>[1]> = {}) =>
  createPagerdutyEstate(7, { schedules: 1, start: new Date(WINDOW.start.getTime() - DAY_MS), days: 122, rotationHours: hours, ...extra });

describe('collectPagerduty', () => {
  it('reads a multi-page answer across two windows of at most three months, in UTC with emails, each shift once', async () => {
    const estate = rotation(6);
    await start(estate);
    const result = await run({ schedules: { platform: estate.schedules[0]!.id } });

    expect(result.coverage).toEqual([{ system: 'schedule', target: 'pagerduty:platform', status: 'ok' }]);
    // Every 6-hour shift overlapping the window, under the configured name, in UTC, level 1.
    const expected = estate.schedules[0]!.shifts.filter((shift) => Date.parse(shift.end) > WINDOW.start.getTime() && Date.parse(shift.start) < WINDOW.end.getTime());
    const emailOf = new Map(estate.users.map((user) => [user.id, user.email]));
    const got = result.shifts.map((shift) => [shift.schedule, shift.person, shift.start, shift.end, shift.level]).sort();
    const want = expected.map((shift) => ['platform', emailOf.get(shift.user), new Date(shift.start).toISOString(), new Date(shift.end).toISOString(), 1]).sort();
    expect(got).toEqual(want);

    const windows = [...new Set(fake!.ranges.map((range) => `${range.since}/${range.until}`))];
    expect(windows).toEqual([`${WINDOW.start.toISOString()}/${new Date(WINDOW.start.getTime() + MAX_RANGE_DAYS * DAY_MS).toISOString()}`, `${new Date(WINDOW.start.getTime() + MAX_RANGE_DAYS * DAY_MS).toISOString()}/${WINDOW.end.toISOString()}`]);
    // 90 days of 6-hour shifts (361 overlapping the first window) take four pages; the last 30 days two.
    const offsets = (since: string) => fake!.ranges.filter((range) => range.since === since).map((range) => range.offset).sort((a, b) => a - b);
    expect(offsets(WINDOW.start.toISOString())).toEqual([0, PAGE_LIMIT, 2 * PAGE_LIMIT, 3 * PAGE_LIMIT]);
    expect(fake!.calls.total).toBe(fake!.ranges.length);
  });

  it('reads a range with more on-calls than offset paging reaches (10 000) in halves, missing none', async () => {
    const estate = createPagerdutyEstate(5, { schedules: 5, start: new Date(WINDOW.start.getTime() - DAY_MS), days: 122, rotationHours: 1, usersPerSchedule: 2 });
    // Two users alternating hourly: no two shifts of one user are back to back, so each hour is one on-call.
    await start(estate);
    const result = await run({ schedules: Object.fromEntries(estate.schedules.map((schedule, index) => [`team-${index}`, schedule.id])) });
    const expected = estate.schedules.flatMap((schedule) => schedule.shifts.filter((shift) => Date.parse(shift.end) > WINDOW.start.getTime() && Date.parse(shift.start) < WINDOW.end.getTime()));
    expect(result.shifts).toHaveLength(expected.length);
    expect(maxOf(fake!.ranges.map((range) => range.offset))).toBeLessThan(10_000);
    expect(new Set(fake!.ranges.map((range) => range.since)).size).toBeGreaterThan(2);
  });

  it('keeps escalation levels and reports permanent on-calls (start null) as such', async () => {
    const estate = rotation(24, { permanentEvery: 1 });
    await start(estate);
    const result = await run({ escalationPolicies: { payments: estate.policies[0]!.id } });
    const permanent = result.shifts.filter((shift) => shift.permanent);
    expect(permanent).toEqual([
      { schedule: 'payments', person: estate.users[0]!.email, start: WINDOW.start.toISOString(), end: WINDOW.end.toISOString(), level: 2, permanent: true, source: `pagerduty:${estate.policies[0]!.id}/2` },
    ]);
    expect(new Set(result.shifts.filter((shift) => !shift.permanent).map((shift) => shift.level))).toEqual(new Set([1]));
    expect(result.coverage[0]!.notes).toEqual(['1 permanent on-call entry (a user the escalation policy names directly)']);
  });

  it('waits as long as a 429 says before retrying, and then reads everything', async () => {
    const estate = rotation(24);
    await start(estate, (_request, call) => (call === 1 ? { status: 429, headers: { 'ratelimit-reset': '7', 'ratelimit-remaining': '0' }, body: { error: { message: 'Rate Limit Exceeded' } } } : undefined));
    const sleeps: number[] = [];
    const result = await run({ schedules: { platform: estate.schedules[0]!.id } }, { sleeps });
    expect(result.coverage[0]!.status).toBe('ok');
    expect(result.client.stats.throttled).toBe(1);
    expect(sleeps.some((ms) => ms > 6_000 && ms <= 7_000)).toBe(true);
    expect(result.shifts.length).toBeGreaterThan(100);
  });

  it('turns a failure into failed coverage, with no shifts and no token in the message', async () => {
    const estate = rotation(24);
    await start(estate, (request) => ({ status: 500, body: { error: { message: `internal error for ${String(request.headers.authorization)}` } } }));
    const result = await run({ schedules: { platform: estate.schedules[0]!.id } });
    expect(result.shifts).toEqual([]);
    expect(result.coverage[0]).toMatchObject({ status: 'failed', target: 'pagerduty:platform' });
    expect(result.coverage[0]!.error).toContain('HTTP 500');
    expect(JSON.stringify(result.coverage)).not.toContain(TOKEN);
  });

  it('reports a wrong token as failed coverage naming the status, never the token', async () => {
    const estate = rotation(24);
    await start(estate);
    const wrong = 'y_wrongToken12345';
    const result = await run({ schedules: { platform: estate.schedules[0]!.id } }, { token: wrong });
    expect(result.coverage[0]).toMatchObject({ status: 'failed', error: 'pagerduty: GET /oncalls: HTTP 401 (Unauthorized)' });
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('reads a handoff and an override across a DST change exactly, whatever zone the account renders in', async () => {
    const users = [
      { id: 'PU1', name: 'Ana', email: 'ana@example.com' },
      { id: 'PU2', name: 'Ben', email: 'ben@example.com' },
      { id: 'PU3', name: 'Cem', email: 'cem@example.com' },
    ];
    // Handoffs at 09:00 Europe/Berlin: 07:00Z before 2026-10-25 (CEST), 08:00Z after (CET); Cem overrides 12:00–16:00Z.
    const shifts = [
      { user: 'PU1', start: '2026-10-24T07:00:00.000Z', end: '2026-10-25T08:00:00.000Z' },
      { user: 'PU2', start: '2026-10-25T08:00:00.000Z', end: '2026-10-25T12:00:00.000Z' },
      { user: 'PU3', start: '2026-10-25T12:00:00.000Z', end: '2026-10-25T16:00:00.000Z' },
      { user: 'PU2', start: '2026-10-25T16:00:00.000Z', end: '2026-10-26T08:00:00.000Z' },
    ];
    await start({ users, schedules: [{ id: 'PSBERLIN', name: 'Berlin', shifts }], policies: [{ id: 'PEBERLIN', name: 'Berlin', rules: [{ targets: [{ type: 'schedule_reference', id: 'PSBERLIN' }] }] }], timeZone: 'Europe/Berlin' });
    const result = await collectPagerduty(pagerdutySchema.parse({ baseUrl: fake!.url, schedules: { berlin: 'PSBERLIN' } }), {
      now: new Date('2026-10-25T10:00:00Z'),
      window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') },
      env: { PAGERDUTY_TOKEN: TOKEN },
      log: silentLogger,
    });
    expect(result.shifts.map((shift) => [shift.person, shift.start, shift.end])).toEqual(shifts.map((shift) => [users.find((user) => user.id === shift.user)!.email, shift.start, shift.end]));
  });
});
