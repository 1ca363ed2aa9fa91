// A fake Grafana IRM / OnCall API on 127.0.0.1 with the real API's shapes:
// GET /api/v1/schedules/{id}/final_shifts (start_date and end_date as dates, inclusive, at most
// 365 days apart; paginated with absolute `next` links), token auth, DRF-style `{ detail }` errors.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer, type FakeServerOptions } from '../server.ts';

export interface GfShift {
  user_pk: string;
  user_email: string;
  user_username: string;
  shift_start: string;
  shift_end: string;
}

const DAY_MS = 86_400_000;

export const startGrafanaFake = async (schedules: Record<string, GfShift[]>, options: FakeServerOptions & { token: string; pageSize?: number }): Promise<FakeServer> => {
  const pageSize = options.pageSize ?? 50;
  let url = '';
  const finalShifts = (request: FakeRequest, id: string): FakeResponse => {
    const shifts = schedules[id];
    if (!shifts) return { status: 404, body: { detail: 'Not found.' } };
    const startDate = request.query.get('start_date') ?? '';
    const endDate = request.query.get('end_date') ?? '';
    const start = Date.parse(`${startDate}T00:00:00Z`);
    const end = Date.parse(`${endDate}T00:00:00Z`) + DAY_MS;
    if (!/^\d{4}-\d\d-\d\d$/.test(startDate) || !/^\d{4}-\d\d-\d\d$/.test(endDate) || Number.isNaN(start) || Number.isNaN(end)) return { status: 400, body: { detail: 'start_date and end_date must be ISO 8601 dates' } };
    if (end - DAY_MS < start) return { status: 400, body: { detail: 'end_date must be greater than or equal to start_date' } };
    if (end - DAY_MS - start > 365 * DAY_MS) return { status: 400, body: { detail: 'end_date cannot be more than 365 days from start_date' } };
    const overlapping = shifts.filter((shift) => Date.parse(shift.shift_end) > start && Date.parse(shift.shift_start) < end);
    const page = Number(request.query.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(overlapping.length / pageSize));
    const link = (number: number) => {
      const next = new URL(`${url}${request.path}`);
      next.searchParams.set('start_date', startDate);
      next.searchParams.set('end_date', endDate);
      next.searchParams.set('page', String(number));
      return next.toString();
    };
    return {
      status: 200,
      operation: 'GET /api/v1/schedules/{id}/final_shifts',
      body: {
        count: overlapping.length,
        next: page < pages ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: overlapping.slice((page - 1) * pageSize, page * pageSize),
        page_size: pageSize,
        current_page_number: page,
        total_pages: pages,
      },
    };
  };
  const server = await startFakeServer((request) => {
    if (request.headers.authorization !== options.token) return { status: 401, body: { detail: 'Invalid token.' } };
    const match = /^\/api\/v1\/schedules\/([^/]+)\/final_shifts\/?$/.exec(request.path);
    return request.method === 'GET' && match ? finalShifts(request, match[1]!) : { status: 404, body: { detail: 'Not found.' } };
  }, options);
  url = server.url;
  return server;
};
