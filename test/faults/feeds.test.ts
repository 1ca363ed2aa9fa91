// ICS feeds under network faults: feeds behind a faulty server fail within their deadlines
// (from the first request, or once the server turns faulty mid-scan); the others load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchedules } from '../../connectors/files/index.ts';
import { startFaultProxy } from '../../src/sim/faults.ts';
import { startFakeServer, type FakeServer } from '../../src/sim/server.ts';
import { FAULT_NETWORK, FAULT_SCAN_BOUND_MS, faultCases } from './cases.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'connectors', 'ical', '__fixtures__');
const rotation = readFileSync(join(fixtures, 'payments-primary.ics'), 'utf8');
const berlin = readFileSync(join(fixtures, 'platform-secondary-berlin.ics'), 'utf8');
const now = new Date('2026-11-23T00:00:00Z');

let feeds: FakeServer;
beforeAll(async () => {
  feeds = await startFakeServer((request) => ({ status: 200, headers: { 'content-type': 'text/calendar' }, body: request.path.includes('berlin') ? berlin : rotation }));
});
afterAll(() => feeds.close());

describe('ICS feeds under network faults', () => {
  it.each(faultCases(2))('$name: the faulty server’s feeds fail within their deadline, the other feed loads', async ({ mode, after, error }) => {
    const proxy = await startFaultProxy(feeds.url, { mode, after, dripMs: 50 });
    try {
      const behindProxy = [1, 2, 3].map((n) => `${proxy.url}/calendars/${n}f00dcafe/payments.ics`);
      const started = Date.now();
      const { coverage, shifts } = await loadSchedules([...behindProxy, `${feeds.url}/calendars/berlin.ics`], { now, feed: { network: FAULT_NETWORK } });
      expect(Date.now() - started).toBeLessThan(FAULT_SCAN_BOUND_MS);
      const failed = coverage.filter((row) => row.status === 'failed');
      // From the start every feed behind it fails; mid-scan, only the one asked for after the first `after` requests.
      expect(failed).toHaveLength(after === 0 ? 3 : 1);
      for (const row of failed) expect(row.error).toMatch(error);
      expect(coverage.at(-1)).toEqual({ system: 'schedule', target: `${feeds.url}/calendars/***`, status: 'ok' });
      expect(shifts.some((shift) => shift.schedule === 'Platform secondary')).toBe(true);
      expect(shifts.some((shift) => shift.schedule === 'Payments primary')).toBe(after > 0);
      expect(JSON.stringify(coverage)).not.toContain('f00dcafe');
    } finally {
      await proxy.close();
    }
  });
});
