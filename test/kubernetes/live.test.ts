// Live collection against two fake API servers behind one kubeconfig: equal to the export
// import of the same estates, contexts never mixed, faults give partial or failed coverage.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type CollectContext } from '../../connectors/types.ts';
import { collectKubernetes } from '../../connectors/kubernetes/collect.ts';
import { kubernetesSchema, type KubernetesConfig } from '../../connectors/kubernetes/schema.ts';
import { bootstrapObjects, clusterRoleBinding, createKubernetesEstate, rbacExport, roleBinding, secretsExport, serviceAccount, tokenSecret, type KubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';
import { inventorySchema } from '../../src/model/schema.ts';

let dir: string;
let prod: KubernetesFake;
let staging: KubernetesFake;
let kubeconfig: string;
const ctx = (): CollectContext => ({ now: new Date('2026-01-01T00:00:00Z'), log: silentLogger, baseDir: dir });
const config = (section: Record<string, unknown>): KubernetesConfig => kubernetesSchema.parse({ kubeconfig, ...section });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-'));
  prod = await startKubernetesFake(createKubernetesEstate(1, 40, 'prod'));
  staging = await startKubernetesFake(createKubernetesEstate(2, 30, 'staging'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor([{ context: 'prod', fake: prod }, { context: 'staging', fake: staging }], 'staging'));
});
afterAll(async () => {
  await prod.close();
  await staging.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live collection', () => {
  it('equals the export import of the same cluster', async () => {
    prod.resetCalls();
    const live = await collectKubernetes(config({ contexts: ['prod'], pageSize: 7 }), ctx());
    writeFileSync(join(dir, 'prod-rbac.json'), JSON.stringify(rbacExport(prod.objects())));
    writeFileSync(join(dir, 'prod-secrets.json'), JSON.stringify(secretsExport(prod.objects())));
    const offline = await collectKubernetes(config({ exports: [{ cluster: 'prod', file: 'prod-rbac.json', secrets: 'prod-secrets.json' }] }), ctx());
    expect(live.coverage).toEqual([expect.objectContaining({ target: 'prod', status: 'ok' })]);
    expect(live.coverage[0]!.notes?.[0]).toBe(`server ${prod.url} (kubeconfig cluster prod-cluster)`);
    expect(live.entitlements.length).toBeGreaterThan(40);
    expect(live.credentials.length).toBeGreaterThan(0);
    // Token use is tracked (the API server's ConfigMap): unlabelled tokens are known never used.
    expect(live.credentials.some((credential) => credential.lastUsedAt === null)).toBe(true);
    expect(live.credentials.some((credential) => typeof credential.lastUsedAt === 'string')).toBe(true);
    // What collect returns is a valid inventory file once written out.
    const written = inventorySchema.safeParse(JSON.parse(JSON.stringify({ schemaVersion: 1, collectedAt: '2026-01-01T00:00:00Z', ...live })));
    expect(written.error?.issues ?? []).toEqual([]);
    // The API server's bookkeeping (managedFields, on every object it sends) stays out of the inventory.
    expect(prod.objects().every((object) => Array.isArray(object.metadata.managedFields))).toBe(true);
    expect(JSON.stringify(live)).not.toMatch(/managedFields|"f:/);
    expect(offline.principals).toEqual(live.principals);
    expect(offline.entitlements).toEqual(live.entitlements);
    expect(offline.credentials.map(({ ref: _ref, ...rest }) => rest)).toEqual(live.credentials.map(({ ref: _ref, ...rest }) => rest));
    // Paginated lists only (no per-object gets), and never a secret value.
    expect([...prod.calls.byOperation.keys()].every((operation) => operation.startsWith('list '))).toBe(true);
    expect(prod.calls.byOperation.get('list rolebindings')).toBeGreaterThan(3);
    expect(prod.secretDataServed).toBe(0);
  });

  it('never mixes two contexts: each cluster sees only its own server and objects', async () => {
    prod.resetCalls();
    staging.resetCalls();
    const result = await collectKubernetes(config({ contexts: ['prod', 'staging'] }), ctx());
    expect(result.coverage.map((row) => [row.target, row.status, row.notes?.[0]])).toEqual([
      ['prod', 'ok', `server ${prod.url} (kubeconfig cluster prod-cluster)`],
      ['staging', 'ok', `server ${staging.url} (kubeconfig cluster staging-cluster)`],
    ]);
    const prodAlone = await collectKubernetes(config({ contexts: ['prod'] }), ctx());
    const stagingAlone = await collectKubernetes(config({ contexts: ['staging'] }), ctx());
    expect(result.entitlements.filter((e) => e.target === 'prod')).toEqual(prodAlone.entitlements);
    expect(result.entitlements.filter((e) => e.target === 'staging')).toEqual(stagingAlone.entitlements);
    // The estates differ: a binding only prod has appears under prod only.
    const stagingBindings = new Set(staging.objects().filter((o) => o.kind === 'RoleBinding').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    const prodOnly = prod.objects().find((o) => o.kind === 'RoleBinding' && !stagingBindings.has(`${o.metadata.namespace}/${o.metadata.name}`))!;
    const via = `binding/RoleBinding/${prodOnly.metadata.namespace}/${prodOnly.metadata.name}`;
    expect(result.entitlements.filter((e) => e.via === via).map((e) => e.target)).toEqual(expect.arrayContaining(['prod']));
    expect(result.entitlements.some((e) => e.via === via && e.target === 'staging')).toBe(false);
    for (const entitlement of result.entitlements) expect(entitlement.principal.startsWith(`kubernetes:${entitlement.target}/`)).toBe(true);
    // Both servers were asked, each with its own token (a wrong token would have been 401).
    expect(prod.calls.byOperation.get('unauthorized')).toBeUndefined();
    expect(staging.calls.byOperation.get('unauthorized')).toBeUndefined();
    expect(prod.calls.total).toBeGreaterThan(0);
    expect(staging.calls.total).toBeGreaterThan(0);
  });

  it('uses the current context when contexts are omitted, and honours --only', async () => {
    const current = await collectKubernetes(config({}), ctx());
    expect(current.coverage.map((row) => row.target)).toEqual(['staging']);
    const only = await collectKubernetes(config({ contexts: ['prod', 'staging'] }), { ...ctx(), onlyTarget: 'prod' });
    expect(only.coverage.map((row) => row.target)).toEqual(['prod']);
  });

  it('rejects a context the kubeconfig does not have before calling anything', async () => {
    await expect(collectKubernetes(config({ contexts: ['prod', 'nope'] }), ctx())).rejects.toThrow(/context "nope" is not in the kubeconfig/);
  });
});

/** An estate with a legacy token for sure (the generator's are random). */
const withToken = (estate: KubernetesEstate): KubernetesEstate => ({
  ...estate,
  objects: [...estate.objects, serviceAccount('ci', 'legacy', ['legacy-token']), tokenSecret('ci', 'legacy-token', 'legacy')],
});

describe('temporary bindings owned by JIT resources', () => {
  it('reads the expiry from the owning tarbac resource by listing that resource type once', async () => {
    const owner = (kind: string, name: string) => ({ apiVersion: 'tarbac.io/v1', kind, name, uid: `${kind}-${name}`, controller: true });
    const fake = await startKubernetesFake({
      name: 'jit',
      token: 'token-jit',
      identity: { username: 'scanner', groups: [] },
      objects: [
        ...bootstrapObjects(),
        { apiVersion: 'tarbac.io/v1', kind: 'ClusterTemporaryRBAC', metadata: { name: 'temp-admin' }, spec: { duration: '2h' }, status: { expiresAt: '2025-12-31T10:00:00Z', requestID: 'req-1' } },
        { apiVersion: 'tarbac.io/v1', kind: 'TemporaryRBAC', metadata: { name: 'temp-edit', namespace: 'team-a' }, status: { expiresAt: '2026-03-01T00:00:00Z' } },
        clusterRoleBinding('user-tom-cluster-admin', 'cluster-admin', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'tom@example.com' }], {
          ownerReferences: [owner('ClusterTemporaryRBAC', 'temp-admin')],
        }),
        roleBinding('team-a', 'user-una-edit', 'ClusterRole', 'edit', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'una@example.com' }], {
          ownerReferences: [owner('TemporaryRBAC', 'temp-edit')],
          labels: { 'tarbac.io/owner': 'temp-edit', 'tarbac.io/request-id': 'req-2' },
        }),
      ],
    });
    try {
      const path = join(dir, 'jit.kubeconfig');
      writeFileSync(path, kubeconfigFor([{ context: 'jit', fake }]));
      const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path }), ctx());
      const find = (name: string) => result.entitlements.find((e) => e.principal === `kubernetes:jit/User:${name}`);
      expect(find('tom@example.com')).toMatchObject({ expiresAt: '2025-12-31T10:00:00.000Z', grantId: 'req-1' });
      expect(find('una@example.com')).toMatchObject({ expiresAt: '2026-03-01T00:00:00.000Z', grantId: 'req-2', resource: 'team-a' });
      expect(fake.calls.byOperation.get('list clustertemporaryrbacs')).toBe(1);
      expect(fake.calls.byOperation.get('list temporaryrbacs')).toBe(1);
    } finally {
      await fake.close();
    }
  });
});

describe('faults', () => {
  it('a forbidden secrets list gives partial coverage; everything else is complete', async () => {
    const fake = await startKubernetesFake(withToken(createKubernetesEstate(3, 20, 'locked')), { faults: { forbidden: ['secrets'] } });
    try {
      const path = join(dir, 'locked.kubeconfig');
      writeFileSync(path, kubeconfigFor([{ context: 'locked', fake }]));
      const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path }), ctx());
      expect(result.coverage).toEqual([expect.objectContaining({ target: 'locked', status: 'partial', error: expect.stringMatching(/^secrets: 403 forbidden \(secrets is forbidden: User/) })]);
      expect(result.credentials).toEqual([]);
      const full = await startKubernetesFake(withToken(createKubernetesEstate(3, 20, 'locked')));
      try {
        writeFileSync(path, kubeconfigFor([{ context: 'locked', fake: full }]));
        const complete = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path }), ctx());
        expect(result.entitlements).toEqual(complete.entitlements);
        expect(complete.credentials.length).toBeGreaterThan(0);
      } finally {
        await full.close();
      }
    } finally {
      await fake.close();
    }
  });

  it('discards secret data a server sends despite the metadata-only request, and says so', async () => {
    const fake = await startKubernetesFake(withToken(createKubernetesEstate(6, 10, 'old')), { faults: { ignoreMetadataAccept: true } });
    try {
      const path = join(dir, 'old.kubeconfig');
      writeFileSync(path, kubeconfigFor([{ context: 'old', fake }]));
      const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path }), ctx());
      expect(fake.secretDataServed).toBeGreaterThan(0);
      expect(result.coverage[0]!.notes).toContain('the API server answered the metadata-only secrets list with full objects; their data was discarded unread');
      expect(result.credentials.map((c) => c.id)).toContain('kubernetes:old/Secret:ci/legacy-token');
      expect(JSON.stringify(result)).not.toContain(Buffer.from('fake-token-ci-legacy-token').toString('base64'));
    } finally {
      await fake.close();
    }
  });

  it('a kubeconfig entry with an unusable server fails that cluster alone', async () => {
    const path = join(dir, 'malformed.kubeconfig');
    writeFileSync(
      path,
      kubeconfigFor([{ context: 'prod', fake: prod }]).replace('clusters:\n', 'clusters:\n- name: broken-cluster\n  cluster:\n    server: "not a url"\n').replace(
        'contexts:\n',
        'contexts:\n- name: broken\n  context:\n    cluster: broken-cluster\n    user: prod-user\n',
      ),
    );
    const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path, contexts: ['broken', 'prod'] }), ctx());
    expect(result.coverage.map((row) => [row.target, row.status])).toEqual([
      ['broken', 'failed'],
      ['prod', 'ok'],
    ]);
    expect(result.coverage[0]!.error).toMatch(/^kubeconfig: /);
  });

  it('restarts a list after 410 Expired and records it', async () => {
    const fake = await startKubernetesFake(createKubernetesEstate(4, 20, 'flaky'), { faults: { expireContinue: 1 } });
    try {
      const path = join(dir, 'flaky.kubeconfig');
      writeFileSync(path, kubeconfigFor([{ context: 'flaky', fake }]));
      const section = kubernetesSchema.parse({ kubeconfig: path, pageSize: 5, listConcurrency: 1 });
      const result = await collectKubernetes(section, ctx());
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(result.coverage[0]!.notes).toContain('1 list(s) restarted after an expired continue token (410)');
      const again = await collectKubernetes(section, ctx());
      expect(result.entitlements).toEqual(again.entitlements);
    } finally {
      await fake.close();
    }
  });

  it('a cluster that refuses the token fails alone; the other is collected', async () => {
    const bad = await startKubernetesFake(createKubernetesEstate(5, 10, 'bad'), { faults: { unauthorized: true } });
    try {
      const path = join(dir, 'mixed.kubeconfig');
      writeFileSync(path, kubeconfigFor([{ context: 'bad', fake: bad }, { context: 'prod', fake: prod }]));
      const result = await collectKubernetes(kubernetesSchema.parse({ kubeconfig: path, contexts: ['bad', 'prod'] }), ctx());
      expect(result.coverage.map((row) => [row.target, row.status])).toEqual([
        ['bad', 'failed'],
        ['prod', 'ok'],
      ]);
      expect(result.coverage[0]!.error).toMatch(/401 unauthorized/);
      expect(result.entitlements.every((e) => e.target === 'prod')).toBe(true);
    } finally {
      await bad.close();
    }
  });
});
