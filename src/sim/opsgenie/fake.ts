// A fake Opsgenie REST API on 127.0.0.1 with the real API's shapes: GET /v2/schedules/{id}/timeline
// (identifierType, date, interval, intervalUnit; the final timeline's rotations and periods, clipped to
// the interval), GenieKey auth, and Opsgenie's error object ({ message, took, requestId }).
import { randomUUID } from 'node:crypto';
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer, type FakeServerOptions } from '../server.ts';

export interface OgPeriod {
  startDate: string;
  endDate: string;
  type: 'default' | 'override' | 'forwarding' | 'historical';
  recipient: { type: 'user' | 'team' | 'escalation' | 'none'; id: string; name: string };
}

export interface OgSchedule {
  id: string;
  name: string;
  rotations: { id: string; name: string; periods: OgPeriod[] }[];
}

const UNIT_MS: Record<string, number> = { days: 86_400_000, weeks: 7 * 86_400_000 };

const answer = (status: number, body: Record<string, unknown>, operation?: string): FakeResponse => ({ status, body: { ...body, took: 0.01, requestId: randomUUID() }, operation });

export const startOpsgenieFake = async (schedules: OgSchedule[], options: FakeServerOptions & { token: string }): Promise<FakeServer> => {
  const byId = new Map(schedules.map((schedule) => [schedule.id, schedule]));
  const timeline = (request: FakeRequest, id: string): FakeResponse => {
    const schedule = byId.get(id);
    if (!schedule || request.query.get('identifierType') !== 'id') return answer(404, { message: `Schedule with identifier [${id}] does not exist` });
    const start = new Date(request.query.get('date') ?? Date.now());
    const unit = UNIT_MS[request.query.get('intervalUnit') ?? 'weeks'];
    const interval = Number(request.query.get('interval') ?? 1);
    if (Number.isNaN(start.getTime()) || unit === undefined || !Number.isInteger(interval) || interval < 1) return answer(422, { message: 'Invalid date, interval or intervalUnit' });
    const end = new Date(start.getTime() + interval * unit);
    const clip = (period: OgPeriod): OgPeriod => ({
      ...period,
      startDate: new Date(Math.max(Date.parse(period.startDate), start.getTime())).toISOString(),
      endDate: new Date(Math.min(Date.parse(period.endDate), end.getTime())).toISOString(),
    });
    const rotations = schedule.rotations.map((rotation, order) => ({
      id: rotation.id,
      name: rotation.name,
      order,
      periods: rotation.periods.filter((period) => Date.parse(period.endDate) > start.getTime() && Date.parse(period.startDate) < end.getTime()).map(clip),
    }));
    return answer(
      200,
      { data: { _parent: { id: schedule.id, name: schedule.name, enabled: true }, startDate: start.toISOString(), endDate: end.toISOString(), finalTimeline: { rotations } } },
      'GET /v2/schedules/{id}/timeline',
    );
  };
  return startFakeServer((request) => {
    if (request.headers.authorization !== `GenieKey ${options.token}`) return answer(401, { message: 'Could not authenticate' });
    const match = /^\/v2\/schedules\/([^/]+)\/timeline$/.exec(request.path);
    return request.method === 'GET' && match ? timeline(request, match[1]!) : answer(404, { message: 'Not found' });
  }, options);
};
