import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.ts';
import { dutySources, SOURCE_FOLDERS } from './index.ts';
import { splitWindow, waitSeconds } from './duty.ts';

describe('duty sources', () => {
  it('are registered under their folder and config key', () => {
    for (const [key, source] of dutySources) {
      expect(source.id).toBe(key);
      expect(SOURCE_FOLDERS).toContain(key);
    }
    expect([...dutySources.keys()].sort()).toEqual(['grafana', 'opsgenie', 'pagerduty']);
  });

  it('take the config keys of the contract, and refuse anything else', () => {
    const config: Record<string, unknown> = parseConfig(
      {
        pagerduty: { baseUrl: 'https://api.eu.pagerduty.com', schedules: { platform: 'PABC123' }, escalationPolicies: { payments: 'PDEF456' } },
        opsgenie: { schedules: { db: '4513b7ea-3b91-438f-b7e4-e3e54af9147c' } },
        grafana: { baseUrl: 'https://oncall.example.com/oncall', schedules: { edge: 'SBM7DV7BKFUYU' } },
      },
      'dutybound.yaml',
      {},
    );
    expect(config.pagerduty).toEqual({ baseUrl: 'https://api.eu.pagerduty.com', schedules: { platform: 'PABC123' }, escalationPolicies: { payments: 'PDEF456' } });
    expect(config.opsgenie).toEqual({ baseUrl: 'https://api.opsgenie.com', schedules: { db: '4513b7ea-3b91-438f-b7e4-e3e54af9147c' } });
    expect(() => parseConfig({ pagerduty: { schedules: { platform: 'PABC123' }, token: 'x' } }, 'dutybound.yaml', {})).toThrow(/pagerduty: Unrecognized key: "token"|unrecognized key/i);
    expect(() => parseConfig({ pagerduty: { schedules: { platform: 'not an id' } } }, 'dutybound.yaml', {})).toThrow(/pagerduty\.schedules\.platform: expected a PagerDuty id/);
    expect(() => parseConfig({ grafana: { schedules: { edge: 'S1' } } }, 'dutybound.yaml', {})).toThrow(/grafana\.baseUrl/);
    const withSecret = () => parseConfig({ pagerduty: { baseUrl: 'https://me:s3cret-value@api.pagerduty.com', schedules: { platform: 'PABC123' } } }, 'dutybound.yaml', {});
    expect(withSecret).toThrow(/pagerduty\.baseUrl: expected an API root without credentials or query/);
    expect(() => withSecret()).not.toThrow(/s3cret-value/);
  });
});

describe('splitWindow', () => {
  it('cuts a window into consecutive ranges of at most the given days', () => {
    const parts = splitWindow({ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-07-01T00:00:00Z') }, 90);
    expect(parts.map((part) => [part.start.toISOString(), part.end.toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      ['2026-04-01T00:00:00.000Z', '2026-06-30T00:00:00.000Z'],
      ['2026-06-30T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ]);
  });
});

describe('waitSeconds', () => {
  it('reads Retry-After (seconds or a date), else ratelimit-reset', () => {
    const now = Date.parse('2026-11-16T10:00:00Z');
    expect(waitSeconds(new Headers({ 'retry-after': '12', 'ratelimit-reset': '40' }), now)).toBe(12);
    expect(waitSeconds(new Headers({ 'retry-after': 'Mon, 16 Nov 2026 10:00:30 GMT' }), now)).toBe(30);
    expect(waitSeconds(new Headers({ 'ratelimit-reset': '7' }), now)).toBe(7);
    expect(waitSeconds(new Headers(), now)).toBeUndefined();
  });
});

describe('the on-call APIs under the network settings', () => {
  it('stop reading an answer past network.maxResponseMegabytes and give up at network.requestTimeoutSeconds', async () => {
    const { startFakeServer } = await import('../src/sim/server.ts');
    const { createHttpClient } = await import('./duty.ts');
    const { networkSchema } = await import('./network.ts');
    const { silentLogger } = await import('./types.ts');
    const server = await startFakeServer((request) =>
      request.path === '/slow' ? new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: { oncalls: [] } }), 3000)) : { status: 200, body: { oncalls: 'x'.repeat(2 * 1024 * 1024) } },
    );
    try {
      const network = networkSchema.parse({ maxResponseMegabytes: 1, requestTimeoutSeconds: 1, retries: 0 });
      const client = createHttpClient({ headers: {}, secrets: [], log: silentLogger, network });
      await expect(client.getJson(new URL(`${server.url}/big`))).rejects.toThrow(/larger than the 1 MB cap/);
      // The server answers after 3 s: a rejection saying so means the 1 s deadline ended it first.
      await expect(client.getJson(new URL(`${server.url}/slow`))).rejects.toThrow(/timed out after 1 s/);
    } finally {
      await server.close();
    }
  });
});
