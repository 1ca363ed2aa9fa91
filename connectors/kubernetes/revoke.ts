// Revokers: read the binding or secret first (no write), then remove one subject from one
// binding (JSON patch guarded by the resourceVersion read),
// delete a binding whose only subject is the revoked one (uid + resourceVersion preconditions),
// and mark a legacy token secret invalid with the API server's own label (reversible).
// Each refuses system: subjects and bindings, kube-system, and the scanner's own identity.
import type { RbacV1Subject, V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import { ObjectChanged, type CollectContext, type Revoker } from '../types.ts';
import type { Credential, Entitlement } from '../../src/model/index.ts';
import { apiError, clusterClient, kubeconfigPaths, loadKubeConfig, METADATA_ONLY, withHeaders, type ClusterClient } from './cluster.ts';
import { protectionReason } from './rbac.ts';
import type { KubernetesConfig } from './schema.ts';
import { INVALID_SINCE_LABEL } from './types.ts';

interface BindingRef {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  namespace?: string;
  name: string;
  uid?: string;
}

interface EntitlementRef {
  cluster: string;
  binding?: BindingRef;
  subject?: RbacV1Subject;
  protected?: string;
}

const JSON_PATCH = withHeaders({ 'Content-Type': 'application/json-patch+json' });

const clientFor = (config: KubernetesConfig, ctx: CollectContext, cluster: string): ClusterClient =>
  clusterClient(loadKubeConfig(kubeconfigPaths(config, ctx.baseDir)), cluster);

/** The identity the client authenticates as; revokers refuse to touch it. */
const whoAmI = async (client: ClusterClient) => {
  try {
    const review = await client.authentication.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const user = review.status?.userInfo;
    if (!user?.username) throw new Error('empty userInfo');
    return { username: user.username, groups: user.groups ?? [] };
  } catch (error) {
    throw new Error(`kubernetes ${client.context}: refusing to revoke: cannot determine dutybound's own identity (SelfSubjectReview: ${apiError(error).message})`, { cause: error });
  }
};

const sameSubject = (a: RbacV1Subject, b: RbacV1Subject, bindingNamespace: string | undefined) =>
  a.kind === b.kind && a.name === b.name && (a.kind !== 'ServiceAccount' || (a.namespace || bindingNamespace) === (b.namespace || bindingNamespace));

const isSelf = (subject: RbacV1Subject, self: { username: string; groups: string[] }, bindingNamespace: string | undefined) => {
  if (subject.kind === 'User') return subject.name === self.username;
  if (subject.kind === 'Group') return self.groups.includes(subject.name);
  return self.username === `system:serviceaccount:${subject.namespace || bindingNamespace}:${subject.name}`;
};

const readBinding = (client: ClusterClient, ref: BindingRef): Promise<V1RoleBinding | V1ClusterRoleBinding> =>
  ref.kind === 'ClusterRoleBinding' ? client.rbac.readClusterRoleBinding({ name: ref.name }) : client.rbac.readNamespacedRoleBinding({ name: ref.name, namespace: ref.namespace! });

const patchBinding = (client: ClusterClient, ref: BindingRef, body: unknown[]) =>
  ref.kind === 'ClusterRoleBinding'
    ? client.rbac.patchClusterRoleBinding({ name: ref.name, body }, JSON_PATCH)
    : client.rbac.patchNamespacedRoleBinding({ name: ref.name, namespace: ref.namespace!, body }, JSON_PATCH);

/** A binding as it can be created again: no server-assigned fields. */
const recreatable = (binding: V1RoleBinding | V1ClusterRoleBinding, kind: BindingRef['kind']) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: {
    name: binding.metadata?.name,
    ...(binding.metadata?.namespace ? { namespace: binding.metadata.namespace } : {}),
    ...(binding.metadata?.labels ? { labels: binding.metadata.labels } : {}),
    ...(binding.metadata?.annotations ? { annotations: binding.metadata.annotations } : {}),
  },
  roleRef: binding.roleRef,
  subjects: binding.subjects ?? [],
});

const plainSubject = (subject: RbacV1Subject) => ({
  kind: subject.kind,
  name: subject.name,
  ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}),
  ...(subject.apiGroup !== undefined ? { apiGroup: subject.apiGroup } : {}),
});

/** The field manager that last wrote the binding's subjects (a GitOps controller, kubectl…), from managedFields. */
const subjectsWriter = (binding: V1RoleBinding | V1ClusterRoleBinding): string | undefined =>
  (binding.metadata?.managedFields ?? [])
    .filter((entry) => entry.manager && JSON.stringify(entry.fieldsV1 ?? {}).includes('"f:subjects"'))
    .sort((a, b) => String(a.time ?? '').localeCompare(String(b.time ?? '')))
    .at(-1)?.manager;

const notFound = (error: unknown): boolean => (error as { code?: number }).code === 404;

export const bindingSubjectRevoker: Revoker<KubernetesConfig> = {
  id: 'kubernetes-binding-subject',
  description: 'Removes one subject from a RoleBinding or ClusterRoleBinding (the whole binding when it is the only subject).',
  permissions: [
    'rbac.authorization.k8s.io rolebindings,clusterrolebindings: get, patch, delete, create (restore)',
    'rbac.authorization.k8s.io roles,clusterroles: bind (restore)',
    'authentication.k8s.io selfsubjectreviews: create',
  ],
  handles: ({ entitlement }) => entitlement?.system === 'kubernetes' && !!(entitlement.ref as EntitlementRef | undefined)?.binding,
  async read({ entitlement }, config, ctx) {
    const ref = (entitlement as Entitlement).ref as unknown as EntitlementRef;
    if (ref?.protected) throw new Error(`kubernetes ${ref.cluster}: refused: ${ref.protected}`);
    if (!ref?.binding || !ref.subject) throw new Error('kubernetes: entitlement has no binding reference');
    const where = `${ref.binding.kind} ${ref.binding.namespace ? `${ref.binding.namespace}/` : ''}${ref.binding.name}`;
    const client = clientFor(config, ctx, ref.cluster);
    const self = await whoAmI(client);
    if (isSelf(ref.subject, self, ref.binding.namespace)) throw new Error(`kubernetes ${ref.cluster}: refused: ${ref.subject.kind} ${ref.subject.name} is dutybound's own identity`);
    const binding = await readBinding(client, ref.binding).catch((error: unknown) => {
      if (notFound(error)) return undefined;
      throw error;
    });
    if (!binding) return undefined;
    if (ref.binding.uid && binding.metadata?.uid !== ref.binding.uid) throw new ObjectChanged(`kubernetes ${ref.cluster}: ${where} was re-created since the scan (uid changed); not touching it`);
    const protection = protectionReason({ name: binding.metadata?.name, namespace: binding.metadata?.namespace, labels: binding.metadata?.labels }, ref.subject);
    if (protection) throw new Error(`kubernetes ${ref.cluster}: refused: ${protection}`);
    const subjects = binding.subjects ?? [];
    const indexes = subjects.map((subject, index) => (sameSubject(subject, ref.subject!, ref.binding!.namespace) ? index : -1)).filter((index) => index >= 0);
    if (!indexes.length) return undefined;
    return {
      action: indexes.length === subjects.length ? 'deleted-binding' : 'removed-subject',
      cluster: ref.cluster,
      binding: { ...ref.binding, uid: binding.metadata?.uid },
      resourceVersion: binding.metadata?.resourceVersion,
      subjectIndexes: indexes,
      subject: plainSubject(ref.subject),
      object: recreatable(binding, ref.binding.kind),
      ...(subjectsWriter(binding) ? { writtenBy: subjectsWriter(binding) } : {}),
    };
  },
  async revoke(_item, prior, config, ctx) {
    const { cluster, binding: ref, resourceVersion, subjectIndexes, object, action } = prior as {
      cluster: string;
      binding: BindingRef;
      resourceVersion?: string;
      subjectIndexes: number[];
      object: ReturnType<typeof recreatable>;
      action: string;
    };
    const where = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    const client = clientFor(config, ctx, cluster);
    if (action === 'deleted-binding') {
      // Deleted only if it is still exactly the object read: same uid, same resourceVersion.
      const body = { preconditions: { uid: ref.uid, resourceVersion } };
      if (ref.kind === 'ClusterRoleBinding') await client.rbac.deleteClusterRoleBinding({ name: ref.name, body });
      else await client.rbac.deleteNamespacedRoleBinding({ name: ref.name, namespace: ref.namespace!, body });
      ctx.log.info(`kubernetes ${cluster}: deleted ${where} (its only subject was the revoked one)`);
      return;
    }
    // Highest index first so earlier removals do not shift later ones; every removal tests what it removes.
    const operations: unknown[] = [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }];
    for (const index of [...subjectIndexes].reverse()) operations.push({ op: 'test', path: `/subjects/${index}`, value: plainSubject(object.subjects[index]!) }, { op: 'remove', path: `/subjects/${index}` });
    await patchBinding(client, ref, operations);
    ctx.log.info(`kubernetes ${cluster}: removed one subject from ${where}`);
  },
  async restore(prior, config, ctx) {
    const { cluster, binding: ref, subject, object, action } = prior as {
      cluster: string;
      binding: BindingRef;
      subject: RbacV1Subject;
      object: ReturnType<typeof recreatable>;
      action: string;
    };
    const client = clientFor(config, ctx, cluster);
    if (action === 'deleted-binding') {
      if (ref.kind === 'ClusterRoleBinding') await client.rbac.createClusterRoleBinding({ body: object as V1ClusterRoleBinding });
      else await client.rbac.createNamespacedRoleBinding({ namespace: ref.namespace!, body: object as V1RoleBinding });
      return;
    }
    const binding = await readBinding(client, ref);
    if ((binding.subjects ?? []).some((existing) => sameSubject(existing, subject, ref.namespace))) return;
    const at = (prior.subjectIndexes as number[] | undefined)?.[0];
    await patchBinding(client, ref, [
      { op: 'test', path: '/metadata/resourceVersion', value: binding.metadata?.resourceVersion },
      // Back where it was when the index is still in range (the binding reads as before), else at the end.
      binding.subjects?.length
        ? { op: 'add', path: `/subjects/${at !== undefined && at <= binding.subjects.length ? at : '-'}`, value: subject }
        : { op: 'add', path: '/subjects', value: [subject] },
    ]);
  },
};

interface SecretRef {
  cluster: string;
  namespace: string;
  name: string;
  uid?: string;
  serviceAccount?: string;
}

const MERGE_PATCH_METADATA = withHeaders({ 'Content-Type': 'application/merge-patch+json', Accept: METADATA_ONLY });
const READ_METADATA = withHeaders({ Accept: METADATA_ONLY });

export const legacyTokenRevoker: Revoker<KubernetesConfig> = {
  id: 'kubernetes-legacy-token-invalidate',
  description: `Marks a legacy service-account token secret invalid with the ${INVALID_SINCE_LABEL} label (the API server then rejects the token); restore removes the label. Never deletes.`,
  permissions: ['core secrets: get, patch (metadata only)', 'authentication.k8s.io selfsubjectreviews: create'],
  handles: ({ credential }) => credential?.system === 'kubernetes' && credential.kind === 'service-account-token',
  async read({ credential }, config, ctx) {
    const ref = (credential as Credential).ref as unknown as SecretRef;
    if (!ref?.name || !ref.namespace) throw new Error('kubernetes: credential has no secret reference');
    if (ref.namespace === 'kube-system') throw new Error(`kubernetes ${ref.cluster}: refused: kube-system tokens belong to the control plane`);
    const client = clientFor(config, ctx, ref.cluster);
    const self = await whoAmI(client);
    if (self.username === `system:serviceaccount:${ref.namespace}:${ref.serviceAccount}`)
      throw new Error(`kubernetes ${ref.cluster}: refused: ${ref.namespace}/${ref.name} is a token of dutybound's own service account`);
    const secret = await client.core.readNamespacedSecret({ name: ref.name, namespace: ref.namespace }, READ_METADATA).catch((error: unknown) => {
      if (notFound(error)) return undefined;
      throw error;
    });
    if (!secret) return undefined;
    if (ref.uid && secret.metadata?.uid !== ref.uid) throw new ObjectChanged(`kubernetes ${ref.cluster}: secret ${ref.namespace}/${ref.name} was re-created since the scan (uid changed)`);
    if (secret.metadata?.labels?.[INVALID_SINCE_LABEL] !== undefined) return undefined;
    return { action: 'invalidated-token', cluster: ref.cluster, namespace: ref.namespace, name: ref.name, uid: secret.metadata?.uid, resourceVersion: secret.metadata?.resourceVersion, invalidSinceBefore: null };
  },
  async revoke(_item, prior, config, ctx) {
    const { cluster, namespace, name, resourceVersion } = prior as { cluster: string; namespace: string; name: string; resourceVersion?: string };
    const today = ctx.now.toISOString().slice(0, 10);
    await clientFor(config, ctx, cluster).core.patchNamespacedSecret({ name, namespace, body: { metadata: { resourceVersion, labels: { [INVALID_SINCE_LABEL]: today } } } }, MERGE_PATCH_METADATA);
    ctx.log.info(`kubernetes ${cluster}: marked token secret ${namespace}/${name} invalid since ${today}`);
  },
  async restore(prior, config, ctx) {
    const { cluster, namespace, name, invalidSinceBefore } = prior as { cluster: string; namespace: string; name: string; invalidSinceBefore: string | null };
    const client = clientFor(config, ctx, cluster);
    await client.core.patchNamespacedSecret({ name, namespace, body: { metadata: { labels: { [INVALID_SINCE_LABEL]: invalidSinceBefore } } } }, MERGE_PATCH_METADATA);
  },
};

export const kubernetesRevokers: Revoker<KubernetesConfig>[] = [bindingSubjectRevoker, legacyTokenRevoker];
