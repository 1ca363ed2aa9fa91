// Grafana IRM / OnCall shifts: GET /api/v1/schedules/{id}/final_shifts (overrides applied), one
// range of whole UTC days per schedule (the API takes up to 365), following each page's `next` link.
import { z } from 'zod';
import type { Shift } from '../../src/model/index.ts';
import { apiTime, collectEachSchedule, createHttpClient, type DutyContext, type DutyResult, type HttpClient, type ScheduleRead, splitWindow, tokenFrom } from '../duty.ts';
import type { GrafanaConfig } from './schema.ts';

export const GRAFANA_TOKEN_ENV = 'GRAFANA_ONCALL_TOKEN';
/** end_date may be at most 365 days after start_date. */
export const MAX_RANGE_DAYS = 365;
/** A `next` chain longer than this is an API fault, not a schedule. */
const MAX_PAGES = 1_000;
const CONCURRENCY = 4;

const pageSchema = z
  .object({
    next: z.string().nullable().optional(),
    results: z.array(z.object({ user_pk: z.string().optional(), user_email: z.string().nullable().optional(), shift_start: z.string(), shift_end: z.string() }).loose()),
  })
  .loose();

const day = (instant: Date): string => instant.toISOString().slice(0, 10);

const iso = (value: string): string => apiTime(value, 'GET /api/v1/schedules/{id}/final_shifts');

/** `next` must stay on the configured API: a link elsewhere would carry the token away. */
const nextUrl = (next: string, base: URL): URL => {
  const url = new URL(next, base);
  if (url.origin !== base.origin) throw new Error(`GET /api/v1/schedules/{id}/final_shifts: next link leaves ${base.origin}`);
  return url;
};

const readSchedule = async (client: HttpClient, config: GrafanaConfig, id: string, ctx: DutyContext): Promise<ScheduleRead> => {
  const shifts = new Map<string, Omit<Shift, 'schedule'>>();
  const notes: string[] = [];
  const base = new URL(config.baseUrl);
  for (const window of splitWindow(ctx.window, MAX_RANGE_DAYS)) {
    let url: URL | undefined = new URL(`${config.baseUrl.replace(/\/+$/, '')}/api/v1/schedules/${encodeURIComponent(id)}/final_shifts`);
    // Whole days, inclusive: the last day is the one the window ends in.
    url.searchParams.set('start_date', day(window.start));
    url.searchParams.set('end_date', day(new Date(window.end.getTime() - 1)));
    for (let pages = 0; url; pages += 1) {
      if (pages >= MAX_PAGES) throw new Error(`GET /api/v1/schedules/{id}/final_shifts: more than ${MAX_PAGES} pages`);
      const answer = pageSchema.safeParse(await client.getJson(url));
      if (!answer.success) throw new Error('GET /api/v1/schedules/{id}/final_shifts: unexpected answer');
      for (const entry of answer.data.results) {
        if (!entry.user_email) {
          notes.push(`user ${entry.user_pk ?? '(unknown)'} has no email address: their shifts are left out`);
          continue;
        }
        const shift = { person: entry.user_email.toLowerCase(), start: iso(entry.shift_start), end: iso(entry.shift_end), source: `grafana:${id}` };
        shifts.set(`${shift.person}\n${shift.start}\n${shift.end}`, shift);
      }
      url = answer.data.next ? nextUrl(answer.data.next, base) : undefined;
    }
  }
  return { shifts: [...shifts.values()], notes };
};

export const collectGrafana = async (config: GrafanaConfig, ctx: DutyContext): Promise<DutyResult> => {
  const token = tokenFrom(ctx.env, GRAFANA_TOKEN_ENV, 'grafana', 'an OnCall API token');
  const client = createHttpClient({ headers: { authorization: token }, secrets: [token], log: ctx.log, signal: ctx.signal, network: ctx.network, sleep: ctx.sleep });
  return collectEachSchedule('grafana', config.schedules, (id) => readSchedule(client, config, id, ctx), { concurrency: CONCURRENCY, secrets: [token] });
};
