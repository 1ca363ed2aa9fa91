import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../../src/sim/server.ts';
import { startGrafanaFake, type GfShift } from '../../src/sim/grafana/fake.ts';
import { silentLogger } from '../types.ts';
import { collectGrafana } from './collect.ts';
import { grafanaSchema } from './schema.ts';

const TOKEN = 'gf-oncall-token-0b9e44';
const NOW = new Date('2026-11-16T10:00:00Z');
const WINDOW = { start: new Date('2026-08-18T10:00:00Z'), end: new Date('2026-12-16T10:00:00Z') };

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const daily = (days: number): GfShift[] =>
  Array.from({ length: days }, (_, index) => {
    const start = new Date(Date.UTC(2026, 7, 15) + index * 86_400_000);
    const who = ['ana', 'ben', 'cem'][index % 3]!;
    return { user_pk: `U${who.toUpperCase()}`, user_email: `${who}@example.com`, user_username: who, shift_start: start.toISOString().replace('.000', ''), shift_end: new Date(start.getTime() + 86_400_000).toISOString().replace('.000', '') };
  });

const run = async (shifts: Record<string, GfShift[]>, token = TOKEN, pageSize = 20) => {
  fake = await startGrafanaFake(shifts, { token: TOKEN, pageSize });
  return collectGrafana(grafanaSchema.parse({ baseUrl: `${fake.url}/`, schedules: { platform: 'SPLATFORM' } }), { now: NOW, window: WINDOW, env: { GRAFANA_ONCALL_TOKEN: token }, log: silentLogger });
};

describe('collectGrafana', () => {
  it('follows next links through every page of final shifts, in one request range of whole days', async () => {
    const shifts = daily(140);
    const result = await run({ SPLATFORM: shifts });
    // Whole days from the window's first to its last: 2026-08-18 00:00Z to 2026-12-17 00:00Z.
    const inRange = shifts.filter((shift) => Date.parse(shift.shift_end) > Date.parse('2026-08-18T00:00:00Z') && Date.parse(shift.shift_start) < Date.parse('2026-12-17T00:00:00Z'));
    expect(result.coverage).toEqual([{ system: 'schedule', target: 'grafana:platform', status: 'ok' }]);
    expect(result.shifts).toHaveLength(inRange.length);
    expect(result.shifts[0]).toEqual({ schedule: 'platform', person: inRange[0]!.user_email, start: new Date(inRange[0]!.shift_start).toISOString(), end: new Date(inRange[0]!.shift_end).toISOString(), source: 'grafana:SPLATFORM' });
    expect(fake!.calls.total).toBe(Math.ceil(inRange.length / 20));
  });

  it('reports an unknown schedule and a wrong token as failed coverage, never the token', async () => {
    expect((await run({ SOTHER: [] })).coverage[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 404') });
    await fake!.close();
    const wrong = await run({ SPLATFORM: daily(3) }, 'gf-wrong-token-31');
    expect(wrong.coverage[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 401 (Invalid token.)') });
    expect(JSON.stringify(wrong)).not.toContain('gf-wrong-token-31');
  });
});
