// Benchmark: 20 clusters × 3,000 bindings on fake API servers with 30 ms latency, collected
// live through one kubeconfig. Prints calls (list pages only, by operation), wall time, CPU of
// the collector and of the fakes, peak RSS, and the per-cluster page chain the wall time is
// compared with. Then, for reference, the same list pages read again with nothing resolved.
// Run: node test/bench/kubernetes.ts   (the fakes run in a child process, on 127.0.0.1 only)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 20);
const BINDINGS = Number(process.env.BENCH_BINDINGS ?? 3000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);

interface ServedCluster {
  context: string;
  url: string;
  token: string;
}

const serve = async () => {
  const { createKubernetesEstate } = await import('../../src/sim/kubernetes/estate.ts');
  const { startKubernetesFake } = await import('../../src/sim/kubernetes/server.ts');
  const fakes = await Promise.all(
    Array.from({ length: CLUSTERS }, (_, index) => startKubernetesFake(createKubernetesEstate(index + 1, BINDINGS, `cluster-${index + 1}`), { latencyMs: LATENCY_MS })),
  );
  const served: ServedCluster[] = fakes.map((fake) => ({ context: fake.estate.name, url: fake.url, token: fake.estate.token }));
  const cpuReady = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ served })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'stats') {
      const stats = fakes.map((fake) => ({ context: fake.estate.name, total: fake.calls.total, byOperation: Object.fromEntries(fake.calls.byOperation), secretDataServed: fake.secretDataServed }));
      const cpu = process.cpuUsage(cpuReady);
      process.stdout.write(`${JSON.stringify({ stats, fakeCpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`);
    } else if (line === 'quit') break;
  }
  await Promise.all(fakes.map((fake) => fake.close()));
};

const run = async () => {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
  const { served } = (await next()) as { served: ServedCluster[] };
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-bench-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ${served[0]!.context}`,
        'clusters:',
        ...served.map((s) => `- name: ${s.context}\n  cluster:\n    server: ${s.url}`),
        'users:',
        ...served.map((s) => `- name: ${s.context}\n  user:\n    token: ${s.token}`),
        'contexts:',
        ...served.map((s) => `- name: ${s.context}\n  context:\n    cluster: ${s.context}\n    user: ${s.context}`),
      ].join('\n'),
    );
    const { collectKubernetes } = await import('../../connectors/kubernetes/collect.ts');
    const { kubernetesSchema } = await import('../../connectors/kubernetes/schema.ts');
    const { silentLogger } = await import('../../connectors/types.ts');
    const config = kubernetesSchema.parse({ kubeconfig, contexts: served.map((s) => s.context) });
    // The measured scan: the first collectKubernetes call of this process (a cold JIT, as a real scan).
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const started = performance.now();
    const result = await collectKubernetes(config, { now: new Date(), log: silentLogger, baseDir: dir });
    const wallMs = performance.now() - started;
    const loop = performance.eventLoopUtilization(loopBefore);
    const cpu = process.cpuUsage(cpuBefore);
    type Stats = { stats: Array<{ context: string; total: number; byOperation: Record<string, number>; secretDataServed: number }>; fakeCpuMs: number };
    child.stdin!.write('stats\n');
    const { stats, fakeCpuMs } = (await next()) as Stats;

    // Reference, not the target: the same lists read again (JIT now warm) through the same code,
    // each page parsed and kept, nothing resolved: what HTTP and JSON alone cost the collector.
    const { collectSnapshot } = await import('../../connectors/kubernetes/collect.ts');
    const { clusterClient, kubeconfigPaths, loadKubeConfig } = await import('../../connectors/kubernetes/cluster.ts');
    const base = loadKubeConfig(kubeconfigPaths(config, dir));
    const clients = served.map((s) => clusterClient(base, s.context));
    const listsCpuBefore = process.cpuUsage();
    const listsStarted = performance.now();
    await Promise.all(clients.map((client) => collectSnapshot(client, config, { pages: 0, restarts: 0 })));
    const listsWallMs = performance.now() - listsStarted;
    const listsCpu = process.cpuUsage(listsCpuBefore);
    child.stdin!.write('quit\n');
    const total = stats.reduce((sum, s) => sum + s.total, 0);
    const byOperation: Record<string, number> = {};
    for (const s of stats) for (const [operation, count] of Object.entries(s.byOperation)) byOperation[operation] = (byOperation[operation] ?? 0) + count;
    const slowest = stats.reduce((a, b) => (b.total > a.total ? b : a));
    // The chain of pages one cluster needs when every list is read one page after another.
    const chainMs = slowest.total * LATENCY_MS;
    // The longest single list (pages that must follow each other), for reference.
    const longestList = Math.max(...stats.flatMap((s) => Object.values(s.byOperation)));
    const figures = {
      clusters: CLUSTERS,
      bindingsPerCluster: BINDINGS,
      latencyMs: LATENCY_MS,
      pageSize: config.pageSize,
      coverage: Object.fromEntries(['ok', 'partial', 'failed'].map((status) => [status, result.coverage.filter((row) => row.status === status).length])),
      principals: result.principals.length,
      entitlements: result.entitlements.length,
      credentials: result.credentials.length,
      calls: { total, byOperation, nonListCalls: Object.entries(byOperation).filter(([operation]) => !operation.startsWith('list ')).reduce((sum, [, count]) => sum + count, 0) },
      secretDataServed: stats.reduce((sum, s) => sum + s.secretDataServed, 0),
      wallMs: Math.round(wallMs),
      collectorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      // Share of the wall time the collector's event loop was busy (not waiting on sockets or timers).
      collectorLoopBusyMs: Math.round(loop.active),
      fakeCpuMs,
      cores: availableParallelism(),
      // Wall time can not go below the CPU both sides burn divided by the cores they share.
      cpuFloorMs: Math.round((Math.round((cpu.user + cpu.system) / 1000) + fakeCpuMs) / availableParallelism()),
      slowestClusterPageChainMs: chainMs,
      wallOverChain: Number((wallMs / chainMs).toFixed(2)),
      longestListPages: longestList,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      listsOnlyReference: { wallMs: Math.round(listsWallMs), collectorCpuMs: Math.round((listsCpu.user + listsCpu.system) / 1000) },
    };
    console.log(JSON.stringify(figures, null, 2));
    console.log(
      [
        `measured: wallMs = one cold collectKubernetes call over all ${CLUSTERS} clusters, from call to return, fakes in a separate process;`,
        `collectorCpuMs = this process's CPU (user + system, all its threads) over that call; collectorLoopBusyMs = the part of wallMs its event loop was busy;`,
        `fakeCpuMs = the fakes' process CPU from their being ready to the end of the call; cpuFloorMs = both CPUs over ${availableParallelism()} cores, the least wall time they allow;`,
        `slowestClusterPageChainMs = the page count of the busiest cluster × ${LATENCY_MS} ms, each page waited for in turn;`,
        `listsOnlyReference = afterwards, the same pages read and parsed again with nothing resolved (warm JIT; not part of the target).`,
      ].join('\n'),
    );
    console.log(`target: calls = list pages only → ${figures.calls.nonListCalls === 0 ? 'met' : 'MISSED'}; wall ≤ 1.5 × slowest page chain → ${figures.wallOverChain <= 1.5 ? 'met' : 'MISSED'}`);
  } finally {
    child.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
};

await (process.argv.includes('--serve') ? serve() : run());
