// Benchmark: a year of duty for many schedules from the fake PagerDuty (127.0.0.1, injected
// latency, PagerDuty's 960 requests a minute): requests made against the fewest the API
// allows, wall time, and 429s (the rate limit should never be hit).
//
//   node test/bench/pagerduty.ts [--schedules 500] [--days 365] [--rotation-hours 168] [--latency 30] [--rpm 960]
import { parseArgs } from 'node:util';
import { collectPagerduty, MAX_RANGE_DAYS, PAGE_LIMIT } from '../../connectors/pagerduty/collect.ts';
import { pagerdutySchema } from '../../connectors/pagerduty/schema.ts';
import { splitWindow } from '../../connectors/duty.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createPagerdutyEstate } from '../../src/sim/pagerduty/estate.ts';
import { startPagerdutyFake } from '../../src/sim/pagerduty/fake.ts';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '500' },
    days: { type: 'string', default: '365' },
    'rotation-hours': { type: 'string', default: '168' },
    latency: { type: 'string', default: '30' },
    rpm: { type: 'string', default: '960' },
  },
});
const DAY_MS = 86_400_000;
const now = new Date('2026-11-16T10:00:00Z');
const days = Number(values.days);
// The year read: everything up to 30 days ahead (PagerDuty lists on-calls at most 90 days ahead).
const window = { start: new Date(now.getTime() - (days - 30) * DAY_MS), end: new Date(now.getTime() + 30 * DAY_MS) };
const estate = createPagerdutyEstate(11, { schedules: Number(values.schedules), start: new Date(window.start.getTime() - 7 * DAY_MS), days: days + 14, rotationHours: Number(values['rotation-hours']) });

/** The fewest requests: every id in one query, each range's on-calls in full pages. */
const minimumRequests = (): number =>
  splitWindow(window, MAX_RANGE_DAYS)
    .map((range) => estate.schedules.reduce((sum, schedule) => sum + schedule.shifts.filter((shift) => Date.parse(shift.end) > range.start.getTime() && Date.parse(shift.start) < range.end.getTime()).length, 0))
    .reduce((sum, entries) => sum + Math.max(1, Math.ceil(entries / PAGE_LIMIT)), 0);

const fake = await startPagerdutyFake(estate, { token: 'bench-token', latencyMs: Number(values.latency), rateLimitPerMinute: Number(values.rpm) });
try {
  const config = pagerdutySchema.parse({ baseUrl: fake.url, schedules: Object.fromEntries(estate.schedules.map((schedule, index) => [`team-${index}`, schedule.id])) });
  console.log(`PagerDuty benchmark: ${estate.schedules.length} schedules, ${days} days, ${values['rotation-hours']} h rotations; fake latency ${values.latency} ms, limit ${values.rpm} requests/min`);
  const started = performance.now();
  const result = await collectPagerduty(config, { now, window, env: { PAGERDUTY_TOKEN: 'bench-token' }, log: silentLogger });
  const seconds = (performance.now() - started) / 1000;
  const failed = result.coverage.filter((row) => row.status !== 'ok');
  const minimum = minimumRequests();
  console.log(`shifts read: ${result.shifts.length}; names failed: ${failed.length}`);
  console.log(`requests: ${fake.calls.total} (fewest the API allows: ${minimum}, ratio ${(fake.calls.total / minimum).toFixed(2)})`);
  console.log(`wall time: ${seconds.toFixed(1)} s (requests held back by the rate-limit headers: ${(result.client.stats.waitedMs / 1000).toFixed(1)} s, summed over requests in flight)`);
  console.log(`429 answers: ${fake.throttled}; retries: ${result.client.stats.retries}`);
  if (failed.length || fake.throttled) process.exitCode = 1;
} finally {
  await fake.close();
}
