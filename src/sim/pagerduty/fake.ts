// A fake PagerDuty REST API on 127.0.0.1 with the real API's shapes (PagerDuty's OpenAPI
// description, reference/REST/openapiv3.json): GET /oncalls with its filters, offset paging,
// include[]=users, time_zone, the three-month range limit, token auth and the per-minute rate
// limit with its ratelimit-* headers.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer, type FakeServerOptions } from '../server.ts';
import type { PagerdutyEstate, PdPolicy, PdSchedule, PdUser } from './estate.ts';

export interface PagerdutyFakeOptions extends FakeServerOptions {
  /** The API key every request must carry as `Authorization: Token token=…`. */
  token: string;
  /** Requests a minute before 429 (PagerDuty's documented limit: 960). */
  rateLimitPerMinute?: number;
}

export interface PagerdutyFake extends FakeServer {
  /** Requests answered 429 by the rate limit. */
  throttled: number;
  /** The `since`/`until` of every /oncalls request, in order. */
  ranges: { since: string; until: string; offset: number }[];
}

const BASE = 'https://api.pagerduty.com';
const MAX_LIMIT = 100;
const MAX_OFFSET = 10_000;

const error = (status: number, message: string, errors?: string[], code?: number): FakeResponse => ({
  status,
  body: { error: { message, ...(code === undefined ? {} : { code }), ...(errors ? { errors } : {}) } },
});
const invalid = (...errors: string[]) => error(400, 'Invalid Input Provided', errors, 2001);

/** ISO 8601 in a time zone, as PagerDuty renders it: `Z` for UTC, else the zone's offset. */
export const renderTime = (iso: string, timeZone: string): string => {
  const at = new Date(iso);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
};

const reference = (type: string, path: string, object: { id: string; name: string }) => ({
  id: object.id,
  type,
  summary: object.name,
  self: `${BASE}/${path}/${object.id}`,
  html_url: `https://acme.pagerduty.com/${path}/${object.id}`,
});

const userObject = (user: PdUser, full: boolean, timeZone: string) =>
  full ? { ...reference('user', 'users', user), name: user.name, email: user.email, time_zone: timeZone, role: 'user' } : reference('user_reference', 'users', user);

type Oncall = PdSchedule['shifts'][number] & { startMs: number; endMs: number };

/** A schedule's shifts with one user's back-to-back shifts joined (an on-call is a contiguous unit of time), sorted by start. */
const contiguous = (schedule: PdSchedule): Oncall[] => {
  const joined: Oncall[] = [];
  for (const shift of [...schedule.shifts].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const last = joined.at(-1);
    const startMs = Date.parse(shift.start);
    if (last && last.user === shift.user && last.endMs === startMs) {
      last.end = shift.end;
      last.endMs = Date.parse(shift.end);
    } else joined.push({ ...shift, startMs, endMs: Date.parse(shift.end) });
  }
  return joined;
};

/** The on-calls overlapping [since, until): a binary search for the first one ending after `since`. */
const overlapping = (oncalls: readonly Oncall[], sinceMs: number, untilMs: number): Oncall[] => {
  let lo = 0;
  let hi = oncalls.length;
  // Shifts of one schedule do not overlap, so their ends rise with their starts.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (oncalls[mid]!.endMs <= sinceMs) lo = mid + 1;
    else hi = mid;
  }
  const found: Oncall[] = [];
  for (let index = lo; index < oncalls.length && oncalls[index]!.startMs < untilMs; index += 1) found.push(oncalls[index]!);
  return found;
};

interface Entry {
  user: PdUser;
  policy: PdPolicy;
  level: number;
  schedule?: PdSchedule;
  start: string | null;
  end: string | null;
}

const threeMonthsAfter = (since: Date): Date => {
  const limit = new Date(since);
  limit.setUTCMonth(limit.getUTCMonth() + 3);
  return limit;
};

export const startPagerdutyFake = async (estate: PagerdutyEstate, options: PagerdutyFakeOptions): Promise<PagerdutyFake> => {
  const users = new Map(estate.users.map((user) => [user.id, user]));
  const schedules = new Map(estate.schedules.map((schedule) => [schedule.id, { schedule, oncalls: contiguous(schedule) }]));
  const ranges: PagerdutyFake['ranges'] = [];
  const limitPerMinute = options.rateLimitPerMinute ?? 960;
  let windowStartMs = 0;
  let used = 0;
  let throttled = 0;

  /** Fixed one-minute windows, as the ratelimit-* headers describe them. */
  const rateLimit = (): { headers: Record<string, string>; exceeded: boolean } => {
    const now = Date.now();
    if (now - windowStartMs >= 60_000) {
      windowStartMs = now;
      used = 0;
    }
    used += 1;
    const exceeded = used > limitPerMinute;
    const headers = {
      'ratelimit-limit': String(limitPerMinute),
      'ratelimit-remaining': String(Math.max(0, limitPerMinute - used)),
      'ratelimit-reset': String(Math.max(1, Math.ceil((windowStartMs + 60_000 - now) / 1000))),
    };
    return { headers, exceeded };
  };

  const entriesOf = (request: FakeRequest, since: Date, until: Date): Entry[] => {
    const scheduleIds = request.query.getAll('schedule_ids[]');
    const policyIds = request.query.getAll('escalation_policy_ids[]');
    const userIds = request.query.getAll('user_ids[]');
    const entries: Entry[] = [];
    for (const policy of estate.policies) {
      if (policyIds.length && !policyIds.includes(policy.id)) continue;
      policy.rules.forEach((rule, index) => {
        for (const target of rule.targets) {
          if (target.type === 'user_reference') {
            // Permanent on-calls come with schedule filters only when the filter lists null.
            if (scheduleIds.length && !scheduleIds.includes('null')) continue;
            entries.push({ user: users.get(target.id)!, policy, level: index + 1, start: null, end: null });
            continue;
          }
          if (scheduleIds.length && !scheduleIds.includes(target.id)) continue;
          const found = schedules.get(target.id);
          if (!found) continue;
          for (const shift of overlapping(found.oncalls, since.getTime(), until.getTime()))
            entries.push({ user: users.get(shift.user)!, policy, level: index + 1, schedule: found.schedule, start: shift.start, end: shift.end });
        }
      });
    }
    return userIds.length ? entries.filter((entry) => userIds.includes(entry.user.id)) : entries;
  };

  const listOncalls = (request: FakeRequest): FakeResponse => {
    const since = new Date(request.query.get('since') ?? Date.now());
    const until = new Date(request.query.get('until') ?? Date.now());
    if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) return invalid('Since and until must be date-times');
    if (until < since) return invalid('Until cannot be before since');
    if (until > threeMonthsAfter(since)) return invalid('The range between since and until cannot be longer than 3 months');
    const limit = Math.min(Number(request.query.get('limit') ?? 25), MAX_LIMIT);
    const offset = Number(request.query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return invalid('Limit and offset must be non-negative integers');
    if (offset + limit > MAX_OFFSET) return invalid(`Offset must be less than ${MAX_OFFSET}`);
    ranges.push({ since: since.toISOString(), until: until.toISOString(), offset });
    const timeZone = request.query.get('time_zone') ?? estate.timeZone;
    const withUsers = request.query.getAll('include[]').includes('users');
    const all = entriesOf(request, since, until);
    const page = all.slice(offset, offset + limit).map((entry) => ({
      escalation_policy: reference('escalation_policy_reference', 'escalation_policies', entry.policy),
      escalation_level: entry.level,
      schedule: entry.schedule ? reference('schedule_reference', 'schedules', entry.schedule) : null,
      user: userObject(entry.user, withUsers, timeZone),
      start: entry.start === null ? null : renderTime(entry.start, timeZone),
      end: entry.end === null ? null : renderTime(entry.end, timeZone),
    }));
    return { status: 200, body: { oncalls: page, limit, offset, more: offset + limit < all.length, total: null }, operation: 'GET /oncalls' };
  };

  const handler = (request: FakeRequest): FakeResponse => {
    const { headers, exceeded } = rateLimit();
    const answer = (response: FakeResponse): FakeResponse => ({ ...response, headers: { ...headers, ...response.headers } });
    if (exceeded) {
      throttled += 1;
      return answer(error(429, 'Rate Limit Exceeded'));
    }
    if (request.headers.authorization !== `Token token=${options.token}`) return answer(error(401, 'Unauthorized'));
    if (request.method === 'GET' && request.path === '/oncalls') return answer(listOncalls(request));
    return answer(error(404, 'Not Found', undefined, 2100));
  };

  const server = await startFakeServer(handler, options);
  const fake = Object.assign(server, { ranges }) as PagerdutyFake;
  Object.defineProperty(fake, 'throttled', { get: () => throttled });
  return fake;
};
