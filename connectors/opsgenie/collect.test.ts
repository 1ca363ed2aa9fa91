import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../../src/sim/server.ts';
import { startOpsgenieFake, type OgPeriod } from '../../src/sim/opsgenie/fake.ts';
import type { Logger } from '../types.ts';
import { collectOpsgenie } from './collect.ts';
import { opsgenieSchema } from './schema.ts';

const KEY = 'og-key-5d2f0c7a-91';
const NOW = new Date('2026-11-16T10:00:00Z');
const WINDOW = { start: new Date('2026-09-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };
const ID = '4513b7ea-3b91-438f-b7e4-e3e54af9147c';
const user = (name: string) => ({ type: 'user' as const, id: `id-${name}`, name: `${name}@example.com` });

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const run = async (periods: OgPeriod[], options: { key?: string; inject?: Parameters<typeof startOpsgenieFake>[1]['inject'] } = {}) => {
  fake = await startOpsgenieFake([{ id: ID, name: 'Platform', rotations: [{ id: 'r1', name: 'Weekly', periods }] }], { token: KEY, inject: options.inject });
  const warnings: string[] = [];
  const log: Logger = { info() {}, debug() {}, warn: (message) => void warnings.push(message) };
  const result = await collectOpsgenie(opsgenieSchema.parse({ baseUrl: fake.url, schedules: { platform: ID } }), { now: NOW, window: WINDOW, env: { OPSGENIE_API_KEY: options.key ?? KEY }, log, sleep: async () => {} });
  return { ...result, warnings };
};

describe('collectOpsgenie', () => {
  it('reads the final timeline window by window, joins what a window edge cut, and warns that the API ends on 2027-04-05', async () => {
    const periods: OgPeriod[] = [
      { startDate: '2026-09-28T08:00:00Z', endDate: '2026-10-05T08:00:00Z', type: 'default', recipient: user('ana') },
      { startDate: '2026-11-15T08:00:00Z', endDate: '2026-11-16T08:00:00Z', type: 'override', recipient: user('ben') },
      { startDate: '2026-11-16T08:00:00Z', endDate: '2026-11-23T08:00:00Z', type: 'default', recipient: { type: 'team', id: 't1', name: 'platform-team' } },
    ];
    const result = await run(periods);
    expect(result.warnings).toEqual(['opsgenie: Atlassian ends the Opsgenie REST API on 2027-04-05; after that these schedules cannot be read (move them to another source before then)']);
    expect(result.coverage).toEqual([{ system: 'schedule', target: 'opsgenie:platform', status: 'ok', notes: ['periods of a team recipient are left out (only users are people)'] }]);
    // Ana's week crosses the first 30-day window's end (2026-10-01): two pieces, back to back.
    expect(result.shifts.map((shift) => [shift.person, shift.start, shift.end]).sort()).toEqual([
      ['ana@example.com', '2026-09-28T08:00:00.000Z', '2026-10-01T00:00:00.000Z'],
      ['ana@example.com', '2026-10-01T00:00:00.000Z', '2026-10-05T08:00:00.000Z'],
      ['ben@example.com', '2026-11-15T08:00:00.000Z', '2026-11-16T08:00:00.000Z'],
    ]);
    expect(fake!.calls.byOperation.get('GET /v2/schedules/{id}/timeline')).toBe(4);
  });

  it('reports a wrong key as failed coverage, never the key', async () => {
    const result = await run([], { key: 'og-wrong-key-77' });
    expect(result.coverage).toEqual([{ system: 'schedule', target: 'opsgenie:platform', status: 'failed', error: 'opsgenie: GET /v2/schedules/4513b7ea-3b91-438f-b7e4-e3e54af9147c/timeline: HTTP 401 (Could not authenticate)' }]);
    expect(JSON.stringify(result)).not.toContain('og-wrong-key-77');
  });

  it('retries a throttled request', async () => {
    const result = await run([{ startDate: '2026-11-15T08:00:00Z', endDate: '2026-11-16T12:00:00Z', type: 'default', recipient: user('ana') }], {
      inject: (_request, call) => (call === 1 ? { status: 429, headers: { 'x-ratelimit-state': 'THROTTLED' }, body: { message: 'Request throttled' } } : undefined),
    });
    expect(result.coverage[0]!.status).toBe('ok');
    expect(result.shifts).toHaveLength(1);
  });
});
