// Benchmark: scan a large GitHub organization on the fake GitHub (127.0.0.1, injected latency)
// and print requests, wall time, primary quota spent and peak RSS.
//
//   node test/bench/github.ts [--repos 2000] [--members 5000] [--teams 300] [--latency 30] [--concurrency 4] [--rpm 0] [--rest] [--warm]
//
// --rest also measures the REST-only path (github.graphql: false); --warm scans a second time
// with the ETag cache of the first (unchanged lists are answered 304 and cost no quota).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectGithub } from '../../connectors/github/collect.ts';
import { githubSchema } from '../../connectors/github/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createGithubEstate } from '../../src/sim/github/estate.ts';
import { startGithubFake } from '../../src/sim/github/fake.ts';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '2000' },
    members: { type: 'string', default: '5000' },
    teams: { type: 'string', default: '300' },
    latency: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '4' },
    // 0: the connector's own speed on loopback; 800 (the config default) paces like a real scan.
    rpm: { type: 'string', default: '0' },
    rest: { type: 'boolean', default: false },
    warm: { type: 'boolean', default: false },
  },
});
const size = { repos: Number(values.repos), members: Number(values.members), teams: Number(values.teams) };
const estate = createGithubEstate(7, size);
const org = estate.orgs[0]!;
const active = (org.repos ?? []).filter((r) => !r.archived).length;
const dir = mkdtempSync(join(tmpdir(), 'dutybound-bench-github-'));

console.log(`GitHub benchmark: ${size.repos} repos (${active} not archived), ${size.members} members, ${size.teams} teams; fake latency ${values.latency} ms; concurrency ${values.concurrency}`);

const scan = async (label: string, graphql: boolean, options: { coreLimit?: number; etagCacheFile?: string } = {}) => {
  const fake = await startGithubFake(estate, { latencyMs: Number(values.latency), token: 'bench', ...(options.coreLimit ? { coreLimit: options.coreLimit } : {}) });
  try {
    const config = githubSchema.parse({ orgs: [org.login], baseUrl: fake.url, graphql, concurrency: Number(values.concurrency), requestsPerMinute: Number(values.rpm), ...(options.etagCacheFile ? { etagCacheFile: options.etagCacheFile } : {}) });
    const run = async (runLabel: string) => {
      fake.resetCalls();
      const coreBefore = fake.quota.core.used;
      const graphqlBefore = fake.quota.graphql.used;
      const started = performance.now();
      const result = await collectGithub(config, { now: new Date(), log: silentLogger, baseDir: dir }, { env: { GITHUB_TOKEN: 'bench' } });
      const seconds = (performance.now() - started) / 1000;
      const coverage = result.coverage[0]!;
      const byOp = [...fake.calls.byOperation.entries()].sort((a, b) => b[1] - a[1]);
      const rest = byOp.filter(([op]) => !op.startsWith('graphql') && op !== 'POST /graphql').reduce((sum, [, n]) => sum + n, 0);
      const core = fake.quota.core.used - coreBefore;
      console.log(`\n${runLabel}`);
      console.log(`  coverage          ${coverage.status}${coverage.error ? ` (${coverage.error})` : ''}`);
      console.log(`  inventory         ${result.principals.length} principals, ${result.entitlements.length} entitlements (${result.entitlements.filter((e) => e.privileged).length} privileged), ${result.credentials.length} credentials`);
      console.log(`  wall time         ${seconds.toFixed(1)} s${Number(values.rpm) ? ` (paced at ${values.rpm} requests/min)` : ` (unpaced; at the default pace of 800 requests/min a scan takes at least ${(fake.calls.total / 800).toFixed(1)} min)`}`);
      console.log(`  requests          ${fake.calls.total} (${rest} REST, ${fake.calls.total - rest} GraphQL; ${fake.stats.notModified} answered 304)`);
      console.log(`  REST per repo     ${(rest / active).toFixed(2)}  (target ≤ 3)`);
      console.log(`  primary quota     ${core} REST of ${fake.quota.core.limit}/h (${((100 * core) / fake.quota.core.limit).toFixed(0)} %), ${fake.quota.graphql.used - graphqlBefore} GraphQL`);
      console.log(`  top operations    ${byOp.slice(0, 6).map(([op, n]) => `${op} ×${n}`).join('; ')}`);
      if (graphql) console.log(`  targets           ≤ 3 REST per repo: ${rest / active <= 3 ? 'met' : 'MISSED'}; within 5,000 requests/hour: ${core <= 5000 ? 'met' : 'MISSED'}`);
      if (coverage.status !== 'ok') process.exitCode = 1;
      fake.stats.notModified = 0;
    };
    await run(label);
    if (options.etagCacheFile) await run(`${label}, second scan with the ETag cache of the first`);
  } finally {
    await fake.close();
  }
};

await scan('GraphQL batching (default)', true, values.warm ? { etagCacheFile: join(dir, 'etags.json') } : {});
if (values.rest) await scan('REST only (graphql: false; fake limit raised to show the cost)', false, { coreLimit: 1_000_000 });
console.log(`\npeak RSS          ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
rmSync(dir, { recursive: true, force: true });
