// Revokers against the fake: remove exactly one subject, delete a single-subject binding,
// invalidate a legacy token, refuse protected things and dutybound's own identity, restore.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type CollectContext } from '../../connectors/types.ts';
import { kubernetesConnector } from '../../connectors/kubernetes/index.ts';
import { bindingSubjectRevoker, legacyTokenRevoker } from '../../connectors/kubernetes/revoke.ts';
import { kubernetesSchema, type KubernetesConfig } from '../../connectors/kubernetes/schema.ts';
import { bootstrapObjects, clusterRoleBinding, roleBinding, serviceAccount, tokenSecret, type KubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';
import { revokeVerified } from '../fixtures/revoke.ts';

const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const estate: KubernetesEstate = {
  name: 'prod',
  token: 'token-prod',
  identity: { username: 'system:serviceaccount:dutybound:scanner', groups: ['system:serviceaccounts', 'system:authenticated'] },
  objects: [
    ...bootstrapObjects(),
    clusterRoleBinding('ops', 'cluster-admin', [user('alice@example.com'), user('bob@example.com')]),
    roleBinding('team-a', 'solo', 'ClusterRole', 'edit', [user('carol@example.com')], { annotations: { 'dutybound.io/expires-at': '2025-06-01T00:00:00Z' } }),
    clusterRoleBinding('system:custom', 'cluster-admin', [user('dave@example.com')]),
    clusterRoleBinding('scanner', 'view', [{ kind: 'ServiceAccount', name: 'scanner', namespace: 'dutybound' }, user('erin@example.com')]),
    roleBinding('team-b', 'recreated', 'ClusterRole', 'edit', [user('fay@example.com')]),
    serviceAccount('dutybound', 'scanner'),
    serviceAccount('ci', 'legacy', ['legacy-token']),
    tokenSecret('ci', 'legacy-token', 'legacy'),
  ],
};

let fake: KubernetesFake;
let dir: string;
let config: KubernetesConfig;
const ctx: CollectContext = { now: new Date('2026-02-03T04:05:06Z'), log: silentLogger, baseDir: '/' };
const scan = () => kubernetesConnector.collect(config, ctx);
const entitlement = async (principal: string, via: string) => {
  const found = (await scan()).entitlements.find((e) => e.principal === `kubernetes:prod/${principal}` && e.via === via);
  return found;
};

beforeAll(async () => {
  fake = await startKubernetesFake(estate);
  dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-revoke-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor([{ context: 'prod', fake }]));
  config = kubernetesSchema.parse({ kubeconfig: join(dir, 'kubeconfig'), contexts: ['prod'] });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('binding revoker', () => {
  it('removes one subject of a shared binding and nothing else, then restores it', async () => {
    const bob = (await entitlement('User:bob@example.com', 'binding/ClusterRoleBinding/ops'))!;
    expect(bindingSubjectRevoker.handles({ entitlement: bob })).toBe(true);
    const prior = await revokeVerified(bindingSubjectRevoker, { entitlement: bob }, config, ctx);
    expect(prior).toMatchObject({ action: 'removed-subject', subject: { kind: 'User', name: 'bob@example.com' } });
    expect(await entitlement('User:bob@example.com', 'binding/ClusterRoleBinding/ops')).toBeUndefined();
    expect(await entitlement('User:alice@example.com', 'binding/ClusterRoleBinding/ops')).toBeDefined();
    expect(fake.calls.byOperation.get('patch clusterrolebindings')).toBe(1);
    await bindingSubjectRevoker.restore!(prior, config, ctx);
    expect(await entitlement('User:bob@example.com', 'binding/ClusterRoleBinding/ops')).toMatchObject({ privilege: 'ClusterRole/cluster-admin' });
  });

  it('deletes a binding whose only subject is revoked (the expired temporary one), and re-creates it on restore', async () => {
    const carol = (await entitlement('User:carol@example.com', 'binding/RoleBinding/team-a/solo'))!;
    expect(carol.expiresAt).toBe('2025-06-01T00:00:00.000Z');
    const prior = await revokeVerified(bindingSubjectRevoker, { entitlement: carol }, config, ctx);
    expect(prior.action).toBe('deleted-binding');
    expect(fake.objects().some((o) => o.kind === 'RoleBinding' && o.metadata.name === 'solo')).toBe(false);
    await bindingSubjectRevoker.restore!(prior, config, ctx);
    const back = fake.objects().find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'solo')!;
    expect(back.metadata.annotations).toEqual({ 'dutybound.io/expires-at': '2025-06-01T00:00:00Z' });
    expect(await entitlement('User:carol@example.com', 'binding/RoleBinding/team-a/solo')).toMatchObject({ privilege: 'ClusterRole/edit', resource: 'team-a' });
  });

  it('refuses system: bindings and subjects, implicit entitlements, and its own identity, without writing', async () => {
    const inventory = await scan();
    const writes = () => [...fake.calls.byOperation].filter(([operation]) => /^(patch|delete|post) /.test(operation)).reduce((sum, [, count]) => sum + count, 0);
    const before = writes();
    const masters = inventory.entitlements.find((e) => e.principal === 'kubernetes:prod/Group:system:masters')!;
    await expect(bindingSubjectRevoker.read({ entitlement: masters }, config, ctx)).rejects.toThrow(/refused/);
    const implicit = { ...masters, via: 'implicit/system:masters', ref: { cluster: 'prod', protected: 'system:masters is built into the API server authorizer' } };
    await expect(bindingSubjectRevoker.read({ entitlement: implicit }, config, ctx)).rejects.toThrow(/refused: system:masters is built into/);
    const dave = inventory.entitlements.find((e) => e.principal === 'kubernetes:prod/User:dave@example.com')!;
    await expect(bindingSubjectRevoker.read({ entitlement: dave }, config, ctx)).rejects.toThrow(/refused: binding system:custom is a system: binding/);
    const self = inventory.entitlements.find((e) => e.principal === 'kubernetes:prod/ServiceAccount:dutybound/scanner')!;
    await expect(bindingSubjectRevoker.read({ entitlement: self }, config, ctx)).rejects.toThrow(/dutybound's own identity/);
    expect(writes()).toBe(before);
    expect(fake.calls.byOperation.get('create selfsubjectreviews')).toBeGreaterThan(0);
  });

  it('will not touch a binding re-created since the scan', async () => {
    const fay = (await entitlement('User:fay@example.com', 'binding/RoleBinding/team-b/recreated'))!;
    const path = `${fake.url}/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings/recreated`;
    const headers = { authorization: `Bearer ${estate.token}`, 'content-type': 'application/json' };
    const old = (await (await fetch(path, { headers })).json()) as Record<string, unknown>;
    await fetch(path, { method: 'DELETE', headers });
    await fetch(`${fake.url}/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...old, metadata: { name: 'recreated' } }),
    });
    await expect(bindingSubjectRevoker.read({ entitlement: fay }, config, ctx)).rejects.toThrow(/re-created since the scan/);
    expect(fake.objects().find((o) => o.metadata.name === 'recreated')).toMatchObject({ subjects: [expect.objectContaining({ name: 'fay@example.com' })] });
  });
});

describe('legacy token revoker', () => {
  it('labels the token invalid (metadata only, never data) and restore removes the label', async () => {
    fake.secretDataServed = 0;
    const token = (await scan()).credentials.find((c) => c.id === 'kubernetes:prod/Secret:ci/legacy-token')!;
    expect(token.status).toBe('active');
    expect(legacyTokenRevoker.handles({ credential: token })).toBe(true);
    const prior = await revokeVerified(legacyTokenRevoker, { credential: token }, config, ctx);
    expect(prior).toMatchObject({ action: 'invalidated-token', invalidSinceBefore: null });
    const secret = fake.objects().find((o) => o.kind === 'Secret' && o.metadata.name === 'legacy-token')!;
    expect(secret.metadata.labels).toMatchObject({ 'kubernetes.io/legacy-token-invalid-since': '2026-02-03' });
    expect(secret.data).toBeDefined(); // labelled, not deleted
    expect((await scan()).credentials.find((c) => c.id === token.id)!.status).toBe('inactive');
    await legacyTokenRevoker.restore!(prior, config, ctx);
    expect((await scan()).credentials.find((c) => c.id === token.id)!.status).toBe('active');
    expect(fake.secretDataServed).toBe(0);
  });
});

describe('permissions', () => {
  it('prints a scan ClusterRole and an enforce ClusterRole covering what the revokers declare', () => {
    const document = kubernetesConnector.permissions();
    expect(document.format).toBe('yaml');
    const enforce = document.enforce as { kind: string; rules: Array<{ resources: string[]; verbs: string[] }> };
    const scanRole = document.scan as { kind: string; rules: Array<{ resources: string[]; verbs: string[] }> };
    expect(scanRole.kind).toBe('ClusterRole');
    expect(scanRole.rules.flatMap((rule) => rule.verbs)).not.toContain('get');
    expect(scanRole.rules.find((rule) => rule.resources.includes('secrets'))!.verbs).toEqual(['list']);
    expect(enforce.rules.filter((rule) => rule.resources.includes('rolebindings')).flatMap((rule) => rule.verbs)).toEqual(expect.arrayContaining(['list', 'get', 'patch', 'delete']));
    expect(enforce.rules.filter((rule) => rule.resources.includes('secrets')).flatMap((rule) => rule.verbs)).not.toContain('delete');
    for (const revoker of kubernetesConnector.revokers) expect(revoker.permissions.length).toBeGreaterThan(0);
  });
});
