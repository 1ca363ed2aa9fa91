// Benchmark: what a hostile server costs a scan under the default `network:` settings. An ICS
// feed and a Kubernetes list that stream an endless body (a 10 GB feed took 4 GB before bodies
// were capped): time until the source fails and peak RSS, which the body cap bounds.
//   node test/bench/network.ts
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchFeed } from '../../connectors/ical/feed.ts';
import { collectKubernetes } from '../../connectors/kubernetes/collect.ts';
import { kubernetesSchema } from '../../connectors/kubernetes/schema.ts';
import { DEFAULT_NETWORK } from '../../connectors/network.ts';
import { silentLogger } from '../../connectors/types.ts';

// The server runs in its own process, so the RSS measured here is the reader's alone.
const ENDLESS_SERVER = `
import { createServer } from 'node:http';
const chunk = Buffer.alloc(1 << 20, 0x20);
createServer((req, res) => {
  res.writeHead(200, { 'content-type': req.url.startsWith('/api') ? 'application/json' : 'text/calendar' });
  const pump = () => { while (!res.destroyed && res.write(chunk)); };
  res.on('drain', pump);
  pump();
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

const server = spawn(process.execPath, ['--input-type=module', '-e', ENDLESS_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(server.stdout, 'data')) as [Buffer];
const url = `http://127.0.0.1:${line.toString().trim()}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const baseline = process.memoryUsage().rss;

try {
  console.log(`cap ${DEFAULT_NETWORK.maxResponseMegabytes} MB (network.maxResponseMegabytes default); reader RSS before: ${mb(baseline)}`);

  let started = Date.now();
  const feed = await fetchFeed(`${url}/feeds/endless.ics`);
  console.log(`ICS feed, endless body:        failed after ${((Date.now() - started) / 1000).toFixed(1)} s — ${'error' in feed ? feed.error : 'read?!'}`);
  console.log(`  peak RSS so far: ${mb(process.resourceUsage().maxRSS * 1024)}`);

  const dir = mkdtempSync(join(tmpdir(), 'dutybound-bench-network-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: ${url}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: c\n  context: { cluster: c, user: u }\n`,
  );
  started = Date.now();
  const cluster = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: join(dir, 'kubeconfig'), contexts: ['c'] }), { now: new Date(), log: silentLogger, baseDir: dir });
  console.log(`Kubernetes lists, endless body: failed after ${((Date.now() - started) / 1000).toFixed(1)} s — ${cluster.coverage[0]?.error}`);
  console.log(`  peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)} (4 lists in flight, each capped)`);
} finally {
  server.kill();
}
