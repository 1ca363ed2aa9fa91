// Enforce benchmark. (1) Plan time for the engine benchmark's 1,000,000 entitlements (refs added
// as the connectors record them), against the evaluation time (target: under 10%). (2) Apply
// throughput against the fake AWS IAM and Kubernetes API at 30 ms latency: calls per action and
// actions per second (one target's actions run one at a time, targets in parallel).
// Run: npm run bench -- enforce   (the fakes listen on 127.0.0.1 only)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectAws } from '../../connectors/aws/collect.ts';
import { createAwsRevokers } from '../../connectors/aws/revoke.ts';
import { awsSchema } from '../../connectors/aws/schema.ts';
import { kubernetesConnector } from '../../connectors/kubernetes/index.ts';
import { kubernetesRevokers } from '../../connectors/kubernetes/revoke.ts';
import { kubernetesSchema } from '../../connectors/kubernetes/schema.ts';
import { silentLogger, type Revoker } from '../../connectors/types.ts';
import { parseConfig } from '../../src/config/load.ts';
import { applyActions } from '../../src/enforce/apply.ts';
import { openAuditLog } from '../../src/enforce/audit.ts';
import { revokersOf } from '../../src/enforce/index.ts';
import { planEnforcement } from '../../src/enforce/plan.ts';
import type { EnforceAction } from '../../src/enforce/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Entitlement, System } from '../../src/model/index.ts';
import { createAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake } from '../../src/sim/aws/server.ts';
import { createKubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake } from '../../src/sim/kubernetes/server.ts';
import { generate, NOW } from './_estate.ts';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);
const ACTIONS_PER_TARGET = Number(process.env.BENCH_ACTIONS_PER_TARGET ?? 20);

/** The ref each connector records for such an entitlement. */
const refOf = (e: Entitlement): Record<string, unknown> => {
  const name = e.principal.slice(e.principal.lastIndexOf('/') + 1);
  if (e.system === 'aws')
    return e.via.startsWith('group/')
      ? { action: 'remove-user-from-group', account: e.target, userName: name, groupName: e.via.slice(6) }
      : { action: 'detach-user-policy', account: e.target, userName: name, policyArn: `arn:aws:iam::aws:policy/${e.privilege}` };
  if (e.system === 'github') return e.via.startsWith('group/') ? { org: e.target, kind: 'team-membership', team: e.via.slice(6), login: name } : { org: e.target, kind: 'repo-collaborator', repo: e.resource, login: name, role: 'admin' };
  return { cluster: e.target, binding: { kind: 'ClusterRoleBinding', name: `${e.via}-${name}` }, subject: { kind: 'User', name } };
};

const planBenchmark = () => {
  const estate = generate();
  for (const entitlement of estate.entitlements) entitlement.ref = refOf(entitlement);
  const config = parseConfig({}, 'bench', {});
  const people = { people: [], owners: [] };
  const now = new Date(NOW);
  const evaluateStart = performance.now();
  const findings = evaluate({ inventory: estate, grants: estate.grants, shifts: estate.shifts, people, config, now });
  const evaluateMs = performance.now() - evaluateStart;
  const planStart = performance.now();
  const plan = planEnforcement({ findings, inventory: estate, grants: estate.grants, shifts: estate.shifts, people, config, now, runId: 'bench', revokers: revokersOf() });
  const planMs = performance.now() - planStart;
  const byStatus = new Map<string, number>();
  for (const action of plan.actions) byStatus.set(action.status, (byStatus.get(action.status) ?? 0) + 1);
  console.log('plan');
  console.log(`  estate:     ${estate.entitlements.length.toLocaleString('en')} entitlements, ${findings.length.toLocaleString('en')} findings`);
  console.log(`  evaluate:   ${(evaluateMs / 1000).toFixed(2)} s`);
  console.log(`  plan:       ${(planMs / 1000).toFixed(2)} s = ${((100 * planMs) / evaluateMs).toFixed(1)}% of the evaluation   (target < 10%)`);
  console.log(`  actions:    ${[...byStatus].map(([status, count]) => `${count.toLocaleString('en')} ${status}`).join(', ')}`);
};

/** Planned actions straight from collected entitlements (the throughput of apply, not of the plan). */
const actionsFor = (entitlements: Entitlement[], revokers: readonly Revoker<never>[], pick: (e: Entitlement) => boolean): EnforceAction[] => {
  const seen = new Set<string>();
  const perTarget = new Map<string, number>();
  const actions: EnforceAction[] = [];
  for (const e of entitlements) {
    const revoker = revokers.find((r) => r.handles({ entitlement: e }));
    const key = JSON.stringify([e.principal, e.ref]);
    if (!revoker || !pick(e) || seen.has(key) || (perTarget.get(e.target) ?? 0) >= ACTIONS_PER_TARGET) continue;
    seen.add(key);
    perTarget.set(e.target, (perTarget.get(e.target) ?? 0) + 1);
    actions.push({ id: `bench-${actions.length}`, rule: 'expired-grant', finding: key, findings: [key], system: e.system, target: e.target, principal: e.principal, revoker: revoker.id, object: key, removes: [e.privilege], status: 'planned', item: { entitlement: e } });
  }
  return actions;
};

const applyBenchmark = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-bench-enforce-'));
  const aws = await startAwsFake(createAwsEstate(7, { accounts: 3, principalsPerAccount: 60 }), { latencyMs: LATENCY_MS, faults: { reportPolls: 0 } });
  const clusters = await Promise.all([1, 2, 3].map((n) => startKubernetesFake(createKubernetesEstate(n, 200, `cluster-${n}`), { latencyMs: LATENCY_MS })));
  try {
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(clusters.map((fake, index) => ({ context: `cluster-${index + 1}`, fake }))));
    const ctx = { now: new Date(NOW), log: silentLogger, baseDir: dir };
    const awsOptions = { endpoint: aws.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: 'us-east-1' };
    const awsConfig = awsSchema.parse({ organization: { enabled: true } });
    const kubeConfig = kubernetesSchema.parse({ kubeconfig: join(dir, 'kubeconfig'), contexts: clusters.map((_, index) => `cluster-${index + 1}`) });
    const awsRevokers = createAwsRevokers(awsOptions) as Revoker<never>[];
    const awsActions = actionsFor((await collectAws(awsConfig, ctx, { ...awsOptions, reportPollMs: 1 })).entitlements, awsRevokers, (e) => !e.principal.includes('AWSServiceRole'));
    const kubeActions = actionsFor((await kubernetesConnector.collect(kubeConfig, ctx)).entitlements, kubernetesRevokers as Revoker<never>[], (e) => !(e.ref as { protected?: string }).protected && !e.principal.includes(':system:'));
    const revokers = new Map<System, readonly Revoker<never>[]>([['aws', awsRevokers], ['kubernetes', kubernetesRevokers as Revoker<never>[]]]);
    console.log(`apply (${LATENCY_MS} ms latency; up to ${ACTIONS_PER_TARGET} actions per target, targets in parallel)`);
    for (const [system, actions, fakes] of [['aws', awsActions, [aws]], ['kubernetes', kubeActions, clusters]] as const) {
      const audit = openAuditLog(join(dir, `${system}-audit.jsonl`), () => new Date());
      const callsBefore = fakes.reduce((sum, fake) => sum + fake.calls.total, 0);
      const start = performance.now();
      await applyActions(actions, { revokers, configOf: (s) => (s === 'aws' ? awsConfig : kubeConfig), ctx, audit });
      const seconds = (performance.now() - start) / 1000;
      audit.close();
      const calls = fakes.reduce((sum, fake) => sum + fake.calls.total, 0) - callsBefore;
      const verified = actions.filter((a) => a.status === 'verified').length;
      const targets = new Set(actions.map((a) => a.target)).size;
      console.log(
        `  ${system.padEnd(10)} ${actions.length} actions on ${targets} targets, ${verified} verified, ${(calls / actions.length).toFixed(1)} calls per action, ${(actions.length / seconds).toFixed(1)} actions/s (${(actions.length / seconds / targets).toFixed(1)} per target), ${seconds.toFixed(2)} s`,
      );
    }
    console.log('  github     writes spaced at least 1 s apart per org, as GitHub asks for content-changing requests: at most 1 action/s per org');
  } finally {
    await aws.close();
    await Promise.all(clusters.map((fake) => fake.close()));
    rmSync(dir, { recursive: true, force: true });
  }
};

planBenchmark();
await applyBenchmark();
