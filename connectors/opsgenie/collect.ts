// Opsgenie on-call shifts from each schedule's final timeline (overrides applied):
// GET /v2/schedules/{id}/timeline, one request per schedule and window of at most 30 days.
import { z } from 'zod';
import type { Shift } from '../../src/model/index.ts';
import { apiTime, collectEachSchedule, createHttpClient, type DutyContext, type DutyResult, type HttpClient, type ScheduleRead, splitWindow, tokenFrom } from '../duty.ts';
import type { OpsgenieConfig } from './schema.ts';

export const OPSGENIE_TOKEN_ENV = 'OPSGENIE_API_KEY';
/** Atlassian turns Opsgenie's REST API off on this day. */
export const OPSGENIE_END_OF_LIFE = '2027-04-05';
export const WINDOW_DAYS = 30;
const CONCURRENCY = 4;

const periodSchema = z
  .object({ startDate: z.string(), endDate: z.string(), type: z.string().optional(), recipient: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() }).loose() })
  .loose();
const timelineSchema = z
  .object({ data: z.object({ finalTimeline: z.object({ rotations: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), periods: z.array(periodSchema).default([]) }).loose()).default([]) }).loose() }).loose() })
  .loose();

const iso = (value: string): string => apiTime(value, 'GET /v2/schedules/{id}/timeline');

const readSchedule = async (client: HttpClient, config: OpsgenieConfig, id: string, ctx: DutyContext): Promise<ScheduleRead> => {
  const shifts = new Map<string, Omit<Shift, 'schedule'>>();
  const notes: string[] = [];
  for (const window of splitWindow(ctx.window, WINDOW_DAYS)) {
    const url = new URL(`${config.baseUrl.replace(/\/+$/, '')}/v2/schedules/${encodeURIComponent(id)}/timeline`);
    url.searchParams.set('identifierType', 'id');
    url.searchParams.set('date', window.start.toISOString());
    url.searchParams.set('interval', String(Math.ceil((window.end.getTime() - window.start.getTime()) / 86_400_000)));
    url.searchParams.set('intervalUnit', 'days');
    const answer = timelineSchema.safeParse(await client.getJson(url));
    if (!answer.success) throw new Error('GET /v2/schedules/{id}/timeline: unexpected answer');
    for (const rotation of answer.data.data.finalTimeline.rotations)
      for (const period of rotation.periods) {
        // A user's period names the user by username, which is their email; teams and escalations name no one.
        if (period.recipient.type !== 'user' || !period.recipient.name?.includes('@')) {
          notes.push(`periods of a ${period.recipient.type} recipient are left out (only users are people)`);
          continue;
        }
        const shift = { person: period.recipient.name.toLowerCase(), start: iso(period.startDate), end: iso(period.endDate), source: `opsgenie:${id}/${rotation.name ?? rotation.id ?? ''}` };
        shifts.set(`${shift.person}\n${shift.start}\n${shift.end}`, shift);
      }
  }
  return { shifts: [...shifts.values()], notes };
};

export const collectOpsgenie = async (config: OpsgenieConfig, ctx: DutyContext): Promise<DutyResult> => {
  const token = tokenFrom(ctx.env, OPSGENIE_TOKEN_ENV, 'opsgenie', 'an API key of an API integration');
  ctx.log.warn(`opsgenie: Atlassian ends the Opsgenie REST API on ${OPSGENIE_END_OF_LIFE}; after that these schedules cannot be read (move them to another source before then)`);
  const client = createHttpClient({ headers: { authorization: `GenieKey ${token}` }, secrets: [token], log: ctx.log, signal: ctx.signal, network: ctx.network, sleep: ctx.sleep });
  return collectEachSchedule('opsgenie', config.schedules, (id) => readSchedule(client, config, id, ctx), { concurrency: CONCURRENCY, secrets: [token] });
};
