// The fake answers in the API server's shapes: checked by deserializing with the official
// client-node models and asserting the parsed fields.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { V1ClusterRoleBindingList, V1ClusterRoleList, V1RoleBinding, V1SecretList, V1Status } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubernetesEstate, roleBinding } from './estate.ts';
import { startKubernetesFake, type KubernetesFake } from './server.ts';

let fake: KubernetesFake;
const estate = createKubernetesEstate(7, 12, 'shapes');
estate.objects.push(roleBinding('team-0', 'pair', 'ClusterRole', 'view', [{ kind: 'User', name: 'a@example.com' }, { kind: 'User', name: 'b@example.com' }]));
const call = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${fake.url}${path}`, { ...init, headers: { authorization: `Bearer ${estate.token}`, ...(init.headers as Record<string, string>) } });
  return { status: response.status, body: (await response.json()) as unknown };
};

beforeAll(async () => {
  fake = await startKubernetesFake(estate);
});
afterAll(() => fake.close());

describe('fake Kubernetes API server', () => {
  it('pages lists with continue tokens, in the list model shape', async () => {
    const first = await call('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=1');
    const list = ObjectSerializer.deserialize(first.body, 'V1ClusterRoleBindingList', '') as V1ClusterRoleBindingList;
    expect(list.kind).toBe('ClusterRoleBindingList');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(list.items[0]!.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(list.metadata?._continue).toBeTruthy();
    expect(list.metadata?.remainingItemCount).toBeGreaterThan(0);
    const second = await call(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=1&continue=${list.metadata!._continue}`);
    const next = ObjectSerializer.deserialize(second.body, 'V1ClusterRoleBindingList', '') as V1ClusterRoleBindingList;
    expect(next.items[0]!.metadata?.name).not.toBe(list.items[0]!.metadata?.name);
    fake.compact();
    const stale = await call(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=1&continue=${list.metadata!._continue}`);
    expect(stale.status).toBe(410);
    expect(ObjectSerializer.deserialize(stale.body, 'V1Status', '') as V1Status).toMatchObject({ reason: 'Expired', code: 410, status: 'Failure' });
  });

  it('answers metadata only when asked, filtered by type, and counts any secret data it serves', async () => {
    const before = fake.secretDataServed;
    const metadata = await call('/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Fservice-account-token', {
      headers: { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' },
    });
    // client-node has no PartialObjectMetadata model: the typed list it deserializes into when listing secrets must carry the metadata.
    const parsed = ObjectSerializer.deserialize(metadata.body, 'V1SecretList', '') as V1SecretList;
    expect(parsed.kind).toBe('PartialObjectMetadataList');
    expect(parsed.items.every((item) => item.metadata?.annotations?.['kubernetes.io/service-account.name'])).toBe(true);
    expect(JSON.stringify(metadata.body)).not.toContain('"data"');
    expect(fake.secretDataServed).toBe(before);
    const full = await call('/api/v1/secrets');
    expect((full.body as { items: unknown[] }).items.length).toBeGreaterThan(0);
    expect(fake.secretDataServed).toBeGreaterThan(before);
  });

  it('patches with a resourceVersion precondition and deletes with uid/resourceVersion preconditions', async () => {
    const path = '/apis/rbac.authorization.k8s.io/v1/namespaces/team-0/rolebindings/pair';
    const binding = ObjectSerializer.deserialize((await call(path)).body, 'V1RoleBinding', '') as V1RoleBinding;
    const jsonPatch = { 'content-type': 'application/json-patch+json' };
    const stale = await call(path, { method: 'PATCH', headers: jsonPatch, body: JSON.stringify([{ op: 'test', path: '/metadata/resourceVersion', value: '1' }, { op: 'remove', path: '/subjects/0' }]) });
    expect(stale.status).toBe(422);
    const patched = await call(path, {
      method: 'PATCH',
      headers: jsonPatch,
      body: JSON.stringify([{ op: 'test', path: '/metadata/resourceVersion', value: binding.metadata!.resourceVersion }, { op: 'remove', path: '/subjects/0' }]),
    });
    const after = ObjectSerializer.deserialize(patched.body, 'V1RoleBinding', '') as V1RoleBinding;
    expect(after.subjects?.map((subject) => subject.name)).toEqual(['b@example.com']);
    expect(after.metadata?.resourceVersion).not.toBe(binding.metadata!.resourceVersion);
    const conflict = await call(path, { method: 'DELETE', body: JSON.stringify({ preconditions: { resourceVersion: binding.metadata!.resourceVersion } }) });
    expect(conflict.status).toBe(409);
    expect((ObjectSerializer.deserialize(conflict.body, 'V1Status', '') as V1Status).reason).toBe('Conflict');
    const deleted = await call(path, { method: 'DELETE', body: JSON.stringify({ preconditions: { uid: after.metadata!.uid, resourceVersion: after.metadata!.resourceVersion } }) });
    expect(ObjectSerializer.deserialize(deleted.body, 'V1Status', '') as V1Status).toMatchObject({ status: 'Success', details: { name: 'pair', kind: 'rolebindings' } });
    expect((await call(path)).status).toBe(404);
    expect(fake.calls.byOperation.get('delete rolebindings')).toBe(2);
  });

  it('records managedFields as the field manager does: who wrote what, and who owns a field after an update', async () => {
    const roles = ObjectSerializer.deserialize((await call('/apis/rbac.authorization.k8s.io/v1/clusterroles')).body, 'V1ClusterRoleList', '') as V1ClusterRoleList;
    const admin = roles.items.find((role) => role.metadata?.name === 'admin')!;
    // An aggregated role: the API server wrote the selector, the aggregation controller the rules.
    expect(admin.metadata?.managedFields?.map((entry) => [entry.manager, Object.keys(entry.fieldsV1 as object)])).toEqual([
      ['kube-apiserver', ['f:metadata', 'f:aggregationRule']],
      ['clusterrole-aggregation-controller', ['f:rules']],
    ]);
    expect(admin.metadata?.managedFields?.[0]).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1', fieldsType: 'FieldsV1', operation: 'Update' });
    expect(admin.metadata?.managedFields?.[0]?.time).toBeInstanceOf(Date);

    const created = await call('/apis/rbac.authorization.k8s.io/v1/namespaces/team-0/rolebindings?fieldManager=kubectl-create', {
      method: 'POST',
      body: JSON.stringify(roleBinding('team-0', 'managed', 'ClusterRole', 'view', [{ kind: 'User', name: 'a@example.com' }, { kind: 'User', name: 'b@example.com' }], { labels: { team: 'a' } })),
    });
    expect(created.status).toBe(201);
    const binding = ObjectSerializer.deserialize(created.body, 'V1RoleBinding', '') as V1RoleBinding;
    expect(binding.metadata?.managedFields?.map((entry) => [entry.manager, entry.fieldsV1])).toEqual([
      ['kubectl-create', { 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } }, 'f:roleRef': {}, 'f:subjects': {} }],
    ]);
    // Another writer (named by its user agent) removes a subject: it now owns subjects, kubectl-create keeps the rest.
    const patched = await call('/apis/rbac.authorization.k8s.io/v1/namespaces/team-0/rolebindings/managed', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json', 'user-agent': 'dutybound/1.0' },
      body: JSON.stringify([{ op: 'remove', path: '/subjects/0' }]),
    });
    const after = ObjectSerializer.deserialize(patched.body, 'V1RoleBinding', '') as V1RoleBinding;
    expect(after.metadata?.managedFields?.map((entry) => [entry.manager, entry.fieldsV1])).toEqual([
      ['kubectl-create', { 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } }, 'f:roleRef': {} }],
      ['dutybound', { 'f:subjects': {} }],
    ]);
  });

  it('refuses a wrong token and forbidden resources with Status bodies', async () => {
    const response = await fetch(`${fake.url}/api/v1/pods`, { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(401);
    const locked = await startKubernetesFake(estate, { faults: { forbidden: ['pods'] } });
    try {
      const denied = await fetch(`${locked.url}/api/v1/pods`, { headers: { authorization: `Bearer ${estate.token}` } });
      const body = ObjectSerializer.deserialize(await denied.json(), 'V1Status', '') as V1Status;
      expect(body).toMatchObject({ code: 403, reason: 'Forbidden', details: { kind: 'pods' } });
      expect(body.message).toContain('cannot list resource "pods" in API group "" at the cluster scope');
    } finally {
      await locked.close();
    }
  });
});
