// Kubernetes under network faults: a cluster whose API server stalls, resets, drips, streams
// without end or answers 500 fails within its deadlines; the other cluster is complete.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectKubernetes } from '../../connectors/kubernetes/collect.ts';
import { kubernetesSchema } from '../../connectors/kubernetes/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { startFaultProxy } from '../../src/sim/faults.ts';
import { createKubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';
import { FAULT_NETWORK, FAULT_SCAN_BOUND_MS, faultCases } from './cases.ts';

let dir: string;
let prod: KubernetesFake;
let staging: KubernetesFake;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-faults-'));
  prod = await startKubernetesFake(createKubernetesEstate(1, 30, 'prod'));
  staging = await startKubernetesFake(createKubernetesEstate(2, 30, 'staging'));
});
afterAll(async () => {
  await prod.close();
  await staging.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubernetes under network faults', () => {
  it.each(faultCases(3))('$name: prod fails within its deadline, staging is complete', async ({ mode, after, error }) => {
    const proxy = await startFaultProxy(prod.url, { mode, after, dripMs: 50 });
    try {
      const kubeconfig = join(dir, `${mode}-${after}.kubeconfig`);
      writeFileSync(kubeconfig, kubeconfigFor([{ context: 'prod', fake: { url: proxy.url, estate: prod.estate } }, { context: 'staging', fake: staging }]));
      const started = Date.now();
      const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig, contexts: ['prod', 'staging'], pageSize: 10 }), {
        now: new Date('2026-01-01T00:00:00Z'),
        log: silentLogger,
        baseDir: dir,
        network: FAULT_NETWORK,
      });
      expect(Date.now() - started).toBeLessThan(FAULT_SCAN_BOUND_MS);
      expect(result.coverage.map((row) => [row.target, row.status])).toEqual([
        ['prod', 'failed'],
        ['staging', 'ok'],
      ]);
      expect(result.coverage[0]!.error).toMatch(error);
      expect(result.entitlements.length).toBeGreaterThan(0);
      expect(result.entitlements.every((entitlement) => entitlement.target === 'staging')).toBe(true);
      expect(proxy.faulted).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
