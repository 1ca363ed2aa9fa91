// Starts the fake PagerDuty on 127.0.0.1 with a generated account, for trying dutybound by hand:
//   node src/sim/pagerduty/serve.ts [--schedules 5] [--days 120] [--rotation-hours 168] [--latency 0] [--seed 1]
// then set `pagerduty.baseUrl` to the printed URL and PAGERDUTY_TOKEN=sim-token.
import { parseArgs } from 'node:util';
import { createPagerdutyEstate } from './estate.ts';
import { startPagerdutyFake } from './fake.ts';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '5' },
    days: { type: 'string', default: '120' },
    'rotation-hours': { type: 'string', default: '168' },
    latency: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const days = Number(values.days);
const estate = createPagerdutyEstate(Number(values.seed), {
  schedules: Number(values.schedules),
  start: new Date(Date.now() - (days - 30) * 86_400_000),
  days,
  rotationHours: Number(values['rotation-hours']),
  permanentEvery: 2,
});
const fake = await startPagerdutyFake(estate, { token: 'sim-token', latencyMs: Number(values.latency) });
const schedules = estate.schedules.map((schedule, index) => `team-${index}: ${schedule.id}`).join(', ');
const policies = estate.policies.map((policy, index) => `team-${index}-policy: ${policy.id}`).join(', ');
process.stdout.write(`fake PagerDuty at ${fake.url} (token sim-token; Ctrl-C stops it)\npagerduty:\n  baseUrl: ${fake.url}\n  schedules: { ${schedules} }\n  escalationPolicies: { ${policies} }\n`);
process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
