// PagerDuty on-call shifts from GET /oncalls: the window cut into ranges the API accepts, ids
// batched per request, offset paging, times in UTC, users' emails included, levels kept.
import pLimit from 'p-limit';
import { z } from 'zod';
import { describeError } from '../../src/errors.ts';
import type { Shift } from '../../src/model/index.ts';
import { apiTime, createHttpClient, type DutyContext, dutyCoverage, type DutyResult, type DutyWindow, type HttpClient, splitWindow, tokenFrom } from '../duty.ts';
import type { PagerdutyConfig } from './schema.ts';
import { appendAll } from '../../src/model/collections.ts';

export const PAGERDUTY_TOKEN_ENV = 'PAGERDUTY_TOKEN';
/** /oncalls accepts a since–until range of at most three months; 90 days is always within it. */
export const MAX_RANGE_DAYS = 90;
/** The largest page /oncalls gives. */
export const PAGE_LIMIT = 100;
/** Classic offset paging ends where offset + limit passes 10 000: a range with more is read in halves. */
export const MAX_OFFSET = 10_000;
/** Ids per request: one query for many schedules keeps requests near the fewest (URLs stay under 3 kB). */
export const IDS_PER_REQUEST = 100;
const CONCURRENCY = 4;

const reference = z.object({ id: z.string() }).loose();
const oncallSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string().optional(), summary: z.string().optional() }).loose(),
    schedule: reference.nullable().optional(),
    escalation_policy: reference,
    escalation_level: z.number().int(),
    start: z.string().nullable(),
    end: z.string().nullable(),
  })
  .loose();
const pageSchema = z.object({ oncalls: z.array(oncallSchema), more: z.boolean().optional(), limit: z.number().optional(), offset: z.number().optional() }).loose();
type Oncall = z.output<typeof oncallSchema>;

/** One kind of query: schedule ids or escalation policy ids, and the configured name of each id. */
interface Query {
  param: 'schedule_ids[]' | 'escalation_policy_ids[]';
  nameOf: Map<string, string>;
  idOf(entry: Oncall): string | undefined;
}

const queriesOf = (config: PagerdutyConfig): Query[] => [
  { param: 'schedule_ids[]', nameOf: new Map(Object.entries(config.schedules).map(([name, id]) => [id, name])), idOf: (entry) => entry.schedule?.id },
  {
    param: 'escalation_policy_ids[]',
    nameOf: new Map(Object.entries(config.escalationPolicies).map(([name, id]) => [id, name])),
    idOf: (entry) => entry.escalation_policy.id,
  },
];

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

const oncallsUrl = (baseUrl: string, query: Query, ids: readonly string[], window: DutyWindow, offset: number): URL => {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/oncalls`);
  for (const id of ids) url.searchParams.append(query.param, id);
  url.searchParams.set('since', window.start.toISOString());
  url.searchParams.set('until', window.end.toISOString());
  url.searchParams.set('time_zone', 'UTC');
  url.searchParams.append('include[]', 'users');
  url.searchParams.set('limit', String(PAGE_LIMIT));
  url.searchParams.set('offset', String(offset));
  return url;
};

/** Every on-call of these ids overlapping the window, page by page; past the offset cap, the window in halves. */
const readOncalls = async (client: HttpClient, baseUrl: string, query: Query, ids: readonly string[], window: DutyWindow): Promise<Oncall[]> => {
  const entries: Oncall[] = [];
  for (let offset = 0; ; offset += PAGE_LIMIT) {
    const answer = pageSchema.safeParse(await client.getJson(oncallsUrl(baseUrl, query, ids, window, offset)));
    if (!answer.success) throw new Error(`GET /oncalls: unexpected answer (${answer.error.issues[0]?.path.join('.') || 'body'}: ${answer.error.issues[0]?.message})`);
    appendAll(entries, answer.data.oncalls);
    if (!answer.data.more) return entries;
    if (offset + 2 * PAGE_LIMIT > MAX_OFFSET) {
      const middle = new Date(Math.floor((window.start.getTime() + window.end.getTime()) / 2));
      const halves = await Promise.all([
        readOncalls(client, baseUrl, query, ids, { start: window.start, end: middle }),
        readOncalls(client, baseUrl, query, ids, { start: middle, end: window.end }),
      ]);
      return halves.flat();
    }
  }
};

const isoOf = (value: string): string => apiTime(value, 'GET /oncalls');

/** An on-call as a shift under its configured name; start or end null (a permanent on-call) spans the window read. */
const toShift = (entry: Oncall, schedule: string, window: DutyWindow): Shift | undefined => {
  const person = entry.user.email?.trim().toLowerCase();
  if (!person) return undefined;
  const permanent = entry.start === null || entry.end === null;
  return {
    schedule,
    person,
    start: entry.start === null ? window.start.toISOString() : isoOf(entry.start),
    end: entry.end === null ? window.end.toISOString() : isoOf(entry.end),
    source: `pagerduty:${entry.escalation_policy.id}/${entry.escalation_level}${entry.schedule ? `/${entry.schedule.id}` : ''}`,
    level: entry.escalation_level,
    ...(permanent ? { permanent: true } : {}),
  };
};

export const collectPagerduty = async (config: PagerdutyConfig, ctx: DutyContext): Promise<DutyResult & { client: HttpClient }> => {
  const token = tokenFrom(ctx.env, PAGERDUTY_TOKEN_ENV, 'pagerduty', 'a REST API key with read access');
  const client = createHttpClient({
    headers: { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' },
    secrets: [token],
    log: ctx.log,
    signal: ctx.signal, network: ctx.network,
    sleep: ctx.sleep,
    reserve: CONCURRENCY,
  });
  const limit = pLimit(CONCURRENCY);
  const windows = splitWindow(ctx.window, MAX_RANGE_DAYS);
  const shifts = new Map<string, Shift>();
  const errors = new Map<string, string>();
  const notes = new Map<string, string[]>();
  const note = (name: string, text: string) => notes.set(name, [...(notes.get(name) ?? []), text]);

  const readBatch = async (query: Query, ids: string[]): Promise<void> => {
    try {
      const read = await Promise.all(windows.map((window) => limit(() => readOncalls(client, config.baseUrl, query, ids, window))));
      for (const entry of read.flat()) {
        const name = query.nameOf.get(query.idOf(entry) ?? '');
        if (name === undefined) continue;
        const shift = toShift(entry, name, ctx.window);
        if (!shift) {
          note(name, `user ${entry.user.id} has no email address: their shifts are left out`);
          continue;
        }
        shifts.set([shift.schedule, shift.person, shift.start, shift.end, shift.level].join('\n'), shift);
      }
    } catch (error) {
      for (const id of ids) errors.set(query.nameOf.get(id)!, `pagerduty: ${describeError(error)}`);
    }
  };
  await Promise.all(queriesOf(config).flatMap((query) => chunks([...query.nameOf.keys()], IDS_PER_REQUEST).map((ids) => readBatch(query, ids))));

  const permanent = new Map<string, number>();
  for (const shift of shifts.values()) if (shift.permanent) permanent.set(shift.schedule, (permanent.get(shift.schedule) ?? 0) + 1);
  for (const [name, count] of permanent) note(name, `${count} permanent on-call entr${count === 1 ? 'y' : 'ies'} (a user the escalation policy names directly)`);
  const names = [...Object.keys(config.schedules), ...Object.keys(config.escalationPolicies)].sort();
  return {
    shifts: [...shifts.values()].filter((shift) => !errors.has(shift.schedule)),
    coverage: names.map((name) => dutyCoverage('pagerduty', name, errors.get(name), [...new Set(notes.get(name) ?? [])])),
    client,
  };
};
