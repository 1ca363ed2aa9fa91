// The fake PagerDuty answers with the shapes PagerDuty's OpenAPI description gives for GET /oncalls
// (reference/REST/openapiv3.json: Pagination + Oncall, references, User with include[]=users, the
// generic error object), and enforces the documented limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPagerdutyEstate } from '../../src/sim/pagerduty/estate.ts';
import { renderTime, startPagerdutyFake, type PagerdutyFake } from '../../src/sim/pagerduty/fake.ts';

const TOKEN = 'fake-test-token-1';
const auth = { authorization: `Token token=${TOKEN}` };

const reference = (type: string) => z.strictObject({ id: z.string(), type: z.literal(type), summary: z.string(), self: z.url(), html_url: z.url() });
const dateTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
const oncall = (user: z.ZodType) =>
  z.strictObject({
    escalation_policy: reference('escalation_policy_reference'),
    escalation_level: z.number().int().min(1),
    schedule: reference('schedule_reference').nullable(),
    user,
    start: dateTime.nullable(),
    end: dateTime.nullable(),
  });
const page = (user: z.ZodType) => z.strictObject({ oncalls: z.array(oncall(user)), limit: z.number().int(), offset: z.number().int(), more: z.boolean(), total: z.number().int().nullable() });
const fullUser = reference('user').extend({ name: z.string(), email: z.email(), time_zone: z.string(), role: z.string() });
const errorBody = z.strictObject({ error: z.strictObject({ message: z.string(), code: z.number().int().optional(), errors: z.array(z.string()).optional() }) });

let fake: PagerdutyFake;
const estate = createPagerdutyEstate(3, { schedules: 3, start: new Date('2026-11-01T00:00:00Z'), days: 30, rotationHours: 24, permanentEvery: 2 });
const get = async (query: string, headers: Record<string, string> = auth) => {
  const response = await fetch(`${fake.url}/oncalls?${query}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  fake = await startPagerdutyFake(estate, { token: TOKEN, rateLimitPerMinute: 40 });
});
afterAll(async () => {
  await fake.close();
});

describe('fake PagerDuty GET /oncalls', () => {
  it('answers a page of on-calls with references, full users on include[]=users, and UTC times on request', async () => {
    const answer = await get('since=2026-11-10T00:00:00Z&until=2026-11-12T00:00:00Z&time_zone=UTC&include[]=users&limit=100');
    expect(answer.status).toBe(200);
    const parsed = page(fullUser).parse(answer.body);
    // Three schedules × the 2 or 3 daily shifts overlapping two days, plus two permanent on-calls (policies 0 and 2).
    expect(parsed.oncalls.filter((entry) => entry.start === null && entry.end === null && entry.schedule === null).map((entry) => entry.escalation_level)).toEqual([2, 2]);
    expect(parsed.oncalls.every((entry) => entry.start === null || entry.start.endsWith('Z'))).toBe(true);
    expect(answer.headers.get('ratelimit-limit')).toBe('40');
  });

  it('renders user references and times in the account zone when no time_zone is asked', async () => {
    const answer = await get('since=2026-11-10T00:00:00Z&until=2026-11-11T00:00:00Z&schedule_ids[]=' + estate.schedules[0]!.id);
    const parsed = page(reference('user_reference')).parse(answer.body);
    expect(parsed.oncalls.length).toBeGreaterThan(0);
    expect(parsed.oncalls.every((entry) => entry.schedule?.id === estate.schedules[0]!.id && /-05:00$/.test(entry.start!))).toBe(true);
    expect(renderTime('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe('2026-07-01T14:00:00+02:00');
  });

  it('pages with limit, offset and more', async () => {
    const first = page(reference('user_reference')).parse((await get('since=2026-11-01T00:00:00Z&until=2026-11-30T00:00:00Z&limit=50&offset=0')).body);
    const second = page(reference('user_reference')).parse((await get('since=2026-11-01T00:00:00Z&until=2026-11-30T00:00:00Z&limit=50&offset=50')).body);
    expect([first.more, second.more, first.oncalls.length, second.oncalls.length]).toEqual([true, false, 50, 3 * 29 + 2 - 50]);
  });

  it('refuses a range over three months, an offset past 10 000 and a missing token with the error object', async () => {
    const range = await get('since=2026-01-01T00:00:00Z&until=2026-04-02T00:00:00Z');
    expect(range.status).toBe(400);
    expect(errorBody.parse(range.body).error.message).toBe('Invalid Input Provided');
    expect((await get('since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z&limit=100&offset=9950')).status).toBe(400);
    const unauthorized = await get('since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z', {});
    expect([unauthorized.status, errorBody.parse(unauthorized.body).error.message]).toEqual([401, 'Unauthorized']);
  });

  it('answers 429 with the ratelimit-* headers once the minute budget is spent', async () => {
    let answer = await get('since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z');
    while (answer.status === 200) answer = await get('since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z');
    expect(answer.status).toBe(429);
    expect(errorBody.parse(answer.body).error.message).toBe('Rate Limit Exceeded');
    expect(answer.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(fake.throttled).toBe(1);
  });
});
