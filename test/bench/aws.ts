// Benchmark: AWS collection across an Organization of 20 accounts × 2,000 principals on the fake
// AWS with 30 ms latency per call. Prints API calls per account, wall time against the bare
// per-account call chain run in parallel, peak RSS, and the call count a Prowler-style per-user
// collection would need for the same estate.
//   node test/bench/aws.ts [accounts] [principalsPerAccount] [latencyMs]
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { collectAws } from '../../connectors/aws/collect.ts';
import { awsSchema } from '../../connectors/aws/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createAwsEstate, type FakeAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake } from '../../src/sim/aws/server.ts';
import { appendAll, maxOf, minOf } from '../../src/model/collections.ts';

interface Stats {
  byOperation: Record<string, number>;
  byAccount: Record<string, number>;
  total: number;
}

const NOW = new Date('2026-11-20T12:00:00Z');
const REPORT_POLL_MS = 200;

if (!isMainThread) {
  // The fake runs in its own thread so that its work does not slow the collector's event loop.
  const { seed, accounts, principals, latencyMs } = workerData as { seed: number; accounts: number; principals: number; latencyMs: number };
  const estate = createAwsEstate(seed, { accounts, principalsPerAccount: principals });
  // Yesterday's reports: a nightly scan regenerates them (4 report calls per account).
  const stale = (e: FakeAwsEstate) => e.accounts.forEach((a) => (a.reportGeneratedAt = new Date(NOW.getTime() - 86_400_000).toISOString()));
  stale(estate);
  const fake = await startAwsFake(estate, { latencyMs, now: () => NOW });
  parentPort!.on('message', (message: string) => {
    if (message === 'stats') {
      parentPort!.postMessage({ byOperation: Object.fromEntries(fake.calls.byOperation), byAccount: Object.fromEntries(fake.callsByAccount), total: fake.calls.total } satisfies Stats);
    } else if (message === 'reset') {
      fake.resetCalls();
      stale(estate);
      parentPort!.postMessage('ok');
    } else if (message === 'estate') {
      const users = estate.accounts.map((a) => ({ users: a.users.length, roles: a.roles.length, userInline: a.users.reduce((n, u) => n + u.inline.length, 0), roleInline: a.roles.reduce((n, r) => n + r.inline.length, 0), withKeys: a.users.filter((u) => u.keys.length).length }));
      parentPort!.postMessage({ managementAccount: estate.managementAccount, accounts: estate.accounts.map((a) => a.id), users });
    }
  });
  parentPort!.postMessage({ url: fake.url });
} else {
  const [accounts = 20, principals = 2000, latencyMs = 30] = process.argv.slice(2).map(Number);
  const worker = new Worker(new URL(import.meta.url), { workerData: { seed: 42, accounts, principals, latencyMs } });
  const next = () => new Promise<unknown>((resolve) => worker.once('message', resolve));
  const { url } = (await next()) as { url: string };
  const ask = async <T>(message: string): Promise<T> => {
    const reply = next();
    worker.postMessage(message);
    return (await reply) as T;
  };
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const client = { region: 'us-east-1', endpoint: url, credentials, maxAttempts: 3 };
  const estateInfo = await ask<{ accounts: string[]; users: { users: number; roles: number; userInline: number; roleInline: number; withKeys: number }[] }>('estate');

  // The bare chain, every account at once: AssumeRole, then every GetAccountAuthorizationDetails page beside the
  // report calls — the same calls as dutybound, deserialized by the SDK, with nothing done with them.
  const bareChain = async () => {
    const sts = new STSClient(client);
    const org = new OrganizationsClient(client);
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: org }, {})) appendAll(ids, (page.Accounts ?? []).map((a) => a.Id!));
    await Promise.all(
      ids.map(async (id) => {
        const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/DutyboundReadOnly`, RoleSessionName: 'bench' }))).Credentials!;
        const iam = new IAMClient({ ...client, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
        const report = async () => {
          await iam.send(new GetCredentialReportCommand({}));
          while ((await iam.send(new GenerateCredentialReportCommand({}))).State !== 'COMPLETE') await new Promise((r) => setTimeout(r, REPORT_POLL_MS));
          await iam.send(new GetCredentialReportCommand({}));
        };
        const pages = async () => {
          for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, {})) void page;
        };
        await Promise.all([pages(), report()]);
        iam.destroy();
      }),
    );
    sts.destroy();
    org.destroy();
  };

  const time = async (work: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };

  const runCollect = async (concurrency: number, extra: Record<string, unknown> = {}) => {
    const config = awsSchema.parse({ organization: { enabled: true }, concurrency, ...extra });
    let result: Awaited<ReturnType<typeof collectAws>> | undefined;
    const ms = await time(async () => {
      result = await collectAws(config, { now: NOW, log: silentLogger, baseDir: '/' }, { endpoint: url, credentials, reportPollMs: REPORT_POLL_MS });
    });
    return { ms, result: result! };
  };

  // Warm up the SDK and the JIT once; then alternate the two, three times each, and keep the medians
  // (the machine may be shared: alternating spreads any background load over both).
  await bareChain();
  await ask('reset');
  const bareTimes: number[] = [];
  const collectTimes: number[] = [];
  let bareStats: Stats | undefined;
  let stats: Stats | undefined;
  let parallel: Awaited<ReturnType<typeof runCollect>> | undefined;
  for (let round = 0; round < 3; round += 1) {
    bareTimes.push(await time(bareChain));
    bareStats = await ask<Stats>('stats');
    await ask('reset');
    parallel = await runCollect(accounts);
    collectTimes.push(parallel.ms);
    stats = await ask<Stats>('stats');
    await ask('reset');
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bareMs = median(bareTimes);
  const collectMs = median(collectTimes);
  const defaultConcurrency = await runCollect(awsSchema.parse({}).concurrency);
  await ask('reset');
  await runCollect(accounts, { resolveAccessKeyIds: true });
  const withKeyIds = await ask<Stats>('stats');
  if (!stats || !bareStats || !parallel) throw new Error('no rounds ran');

  const perAccount = estateInfo.accounts.map((id) => (stats.byAccount[id] ?? 0) + 1 /* its AssumeRole, signed by the caller's credentials */);
  const orgCalls = stats.byOperation['organizations:ListAccounts'] ?? 0;
  const failed = parallel.result.coverage.filter((c) => c.status !== 'ok');
  const prowler = estateInfo.users.map((a) => {
    // Per user: ListAttachedUserPolicies, ListUserPolicies, ListGroupsForUser, ListAccessKeys, ListMFADevices (+ GetUserPolicy per inline);
    // per role: ListAttachedRolePolicies, ListRolePolicies (+ GetRolePolicy per inline); ListUsers/ListRoles pages of 100; the report.
    return Math.ceil(a.users / 100) + a.users * 5 + a.userInline + Math.ceil(a.roles / 100) + a.roles * 2 + a.roleInline + 3;
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

  console.log(`dutybound AWS benchmark: ${accounts} accounts × ${principals} principals, ${latencyMs} ms per call (fake AWS in a worker thread)`);
  console.log(`  collected: ${fmt(parallel.result.principals.length)} principals, ${fmt(parallel.result.entitlements.length)} entitlements, ${fmt(parallel.result.credentials.length)} credentials; coverage ${failed.length ? `NOT ok: ${JSON.stringify(failed)}` : 'ok everywhere'}`);
  console.log(`  API calls per account: min ${minOf(perAccount)}, max ${maxOf(perAccount)} (AssumeRole + GetAccountAuthorizationDetails pages + 4 credential-report calls) + ${orgCalls} ListAccounts for the whole Organization; total ${stats.total}`);
  console.log(`    by operation: ${JSON.stringify(stats.byOperation)}`);
  console.log(`  wall time, all accounts at once (concurrency ${accounts}): median ${fmt(collectMs)} ms of ${collectTimes.map((t) => fmt(t)).join(', ')}`);
  console.log(`  bare per-account call chain, accounts in parallel (SDK only, nothing built): median ${fmt(bareMs)} ms of ${bareTimes.map((t) => fmt(t)).join(', ')}, ${bareStats.total} calls`);
  console.log(`  ratio dutybound / bare chain: median ${fmt(collectMs / bareMs)}×, best of each ${fmt(minOf(collectTimes) / minOf(bareTimes))}× (target ≤ 1.5×)`);
  console.log(`  wall time with the default concurrency (${awsSchema.parse({}).concurrency} accounts at once): ${fmt(defaultConcurrency.ms)} ms`);
  console.log(`  with resolveAccessKeyIds (real key ids): ${fmt((withKeyIds.total - stats.total) / accounts)} more calls per account (one ListAccessKeys per user with a key)`);
  console.log(`  Prowler-style per-user collection, same estate: ${fmt(sum(prowler) / accounts)} calls per account, ${fmt(sum(prowler))} in all (${fmt(sum(prowler) / stats.total)}× dutybound's)`);
  console.log(`  peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MB (collector and fake together); main-thread heap in use at the end (the last inventories still referenced): ${fmt(process.memoryUsage().heapUsed / 1048576)} MB`);
  // Calls are deterministic and hold the target; wall time on a shared machine is reported, not enforced.
  if (failed.length || maxOf(perAccount) > 10) process.exitCode = 1;
  await worker.terminate();
}
