// State store benchmark: 100,000 findings and 100,000 privileged entitlements a night for 30 nights,
// with 1% of each resolved and 1% new every night. Prints the time `--state` adds to a scan (open the
// store, read the previous run, compare, record) and the store's size on disk after each night.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReport } from '../../reports/build.ts';
import { RULE_IDS, SEVERITIES, type Entitlement, type Finding, type Inventory } from '../../src/model/index.ts';
import { ruleCatalogue } from '../../src/rules/index.ts';
import { seededRandom } from '../../src/sim/random.ts';
import { StateStore, withHistory } from '../../src/state/index.ts';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);
const NIGHTS = Number(process.env.BENCH_NIGHTS ?? 30);
const CHURN = 0.01;
const START = Date.parse('2026-10-01T03:00:00Z');
const DAY = 86_400_000;

const random = seededRandom(13);
const hex = (n: number) => n.toString(16).padStart(16, '0');

const finding = (n: number): Finding => ({
  id: `${hex(n * 2654435761)}${hex(n)}`,
  rule: RULE_IDS[n % RULE_IDS.length]!,
  severity: SEVERITIES[n % SEVERITIES.length]!,
  system: 'aws',
  target: String(100000000000 + (n % 100)),
  principal: `aws:arn:aws:iam::${100000000000 + (n % 100)}:user/user-${n}`,
  person: `user-${n}@example.com`,
  privilege: 'AdministratorAccess',
  resource: '*',
  message: `AdministratorAccess on ${100000000000 + (n % 100)} is held with no grant in the ledger.`,
});

const entitlement = (n: number): Entitlement => ({
  principal: `aws:arn:aws:iam::${100000000000 + (n % 100)}:user/user-${n}`,
  system: 'aws',
  target: String(100000000000 + (n % 100)),
  resource: '*',
  privilege: 'AdministratorAccess',
  level: 'admin',
  privileged: true,
  via: 'direct',
});

/** One night's estate: the live numbers, minus 1% resolved, plus 1% new ones. */
const nextNight = (live: number[], next: { n: number }): number[] => {
  const kept = live.filter(() => random() >= CHURN);
  const added = Array.from({ length: live.length - kept.length }, () => next.n++);
  return [...kept, ...added];
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'dutybound-bench-state-'));
const path = join(dir, 'state.db');
const next = { n: FINDINGS };
let live = Array.from({ length: FINDINGS }, (_, n) => n);
const timings: number[] = [];
console.log(`${FINDINGS.toLocaleString('en')} findings and privileged entitlements a night, ${NIGHTS} nights, ${CHURN * 100}% resolved and new each night`);
console.log('night  added ms (wall)  cpu ms  store MiB');
const cpuTimings: number[] = [];
for (let night = 0; night < NIGHTS; night += 1) {
  if (night > 0) live = nextNight(live, next);
  const now = new Date(START + night * DAY).toISOString();
  const inventory: Inventory = { schemaVersion: 1, collectedAt: now, coverage: Array.from({ length: 100 }, (_, a) => ({ system: 'aws', target: String(100000000000 + a), status: 'ok' as const })), principals: [], entitlements: live.map(entitlement), credentials: [] };
  const report = buildReport({ now, generatedAt: now, version: 'bench', findings: live.map(finding), coverage: inventory.coverage, rules: ruleCatalogue });

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const store = await StateStore.open(path);
  const previous = store.previous();
  const history = { store, active: true, ...(previous ? { previous } : {}) };
  const applied = withHistory(history, report, inventory);
  applied.commit();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  timings.push(ms);
  cpuTimings.push(cpuMs);
  if (night === 0 || (night + 1) % 5 === 0)
    console.log(`${String(night + 1).padStart(5)}  ${ms.toFixed(0).padStart(15)}  ${cpuMs.toFixed(0).padStart(6)}  ${(statSync(path).size / 1048576).toFixed(1).padStart(9)}`);
}
console.log(`time added per scan: median ${median(timings).toFixed(0)} ms wall (${median(cpuTimings).toFixed(0)} ms CPU), first night ${timings[0]!.toFixed(0)} ms, last ${timings.at(-1)!.toFixed(0)} ms`);
console.log(`store after ${NIGHTS} nights: ${(statSync(path).size / 1048576).toFixed(1)} MiB (${next.n.toLocaleString('en')} findings ever seen)`);
rmSync(dir, { recursive: true, force: true });
