// A simulated Kubernetes cluster as plain data: API objects in the JSON shapes the API server
// serves, a seeded generator at any size, and the `kubectl get … -o json` exports of it.

import { seededRandom } from '../random.ts';

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
};

export interface KubernetesEstate {
  /** Cluster name (for messages; the kubeconfig context names the target). */
  name: string;
  /** The bearer token the fake accepts. */
  token: string;
  /** Who that token is (SelfSubjectReview). */
  identity: { username: string; uid?: string; groups: string[] };
  objects: KubeObject[];
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const T0 = Date.parse('2025-01-01T00:00:00Z');


const day = (offsetDays: number) => new Date(T0 + offsetDays * 86_400_000).toISOString().replace('.000Z', 'Z');

export const clusterRole = (name: string, rules: unknown[], metadata: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: { name, ...metadata },
  rules,
  ...extra,
});
export const role = (namespace: string, name: string, rules: unknown[]): KubeObject => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules });
export const clusterRoleBinding = (name: string, roleName: string, subjects: unknown[], metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: RBAC,
  kind: 'ClusterRoleBinding',
  metadata: { name, ...metadata },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});
export const roleBinding = (namespace: string, name: string, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: unknown[], metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace, ...metadata },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});
export const serviceAccount = (namespace: string, name: string, secrets: string[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace },
  ...(secrets.length ? { secrets: secrets.map((secret) => ({ name: secret })) } : {}),
});
export const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
/** A legacy token secret; its data is fake but present, so tests can prove dutybound never receives it. */
export const tokenSecret = (ns: string, name: string, saName: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/service-account-token',
  metadata: { name, namespace: ns, labels, annotations: { 'kubernetes.io/service-account.name': saName } },
  data: { token: Buffer.from(`fake-token-${ns}-${name}`).toString('base64'), 'ca.crt': 'ZmFrZQ==', namespace: Buffer.from(ns).toString('base64') },
});
export const opaqueSecret = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace: ns }, data: { password: 'aHVudGVyMg==' } });
export const pod = (ns: string, name: string, serviceAccountName: string, secretVolumes: string[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: {
    serviceAccountName,
    containers: [{ name: 'app', image: 'registry.example/app:1' }],
    volumes: secretVolumes.map((secretName, index) => ({ name: `secret-${index}`, secret: { secretName } })),
  },
  status: { phase: 'Running' },
});

const VIEW_RULES = [
  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'endpoints', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
];
const EDIT_RULES = [
  { apiGroups: [''], resources: ['pods', 'pods/exec', 'pods/attach', 'services', 'configmaps', 'secrets', 'serviceaccounts'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
];
const ADMIN_RULES = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }];

const BOOTSTRAP = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

/** The bootstrap roles every cluster has (aggregated rules filled in, as the controller does on a live server). */
export const bootstrapObjects = (): KubeObject[] => [
  namespace('default'),
  namespace('kube-system'),
  namespace('kube-public'),
  clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }], { labels: BOOTSTRAP }),
  clusterRole('admin', [...VIEW_RULES, ...EDIT_RULES, ...ADMIN_RULES], { labels: BOOTSTRAP }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }] } }),
  clusterRole('edit', [...VIEW_RULES, ...EDIT_RULES], { labels: { ...BOOTSTRAP, 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }, {
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] },
  }),
  clusterRole('view', VIEW_RULES, { labels: { ...BOOTSTRAP, 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }, {
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] },
  }),
  clusterRole('system:kube-scheduler', [{ apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }]),
  clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]),
  clusterRoleBinding('cluster-admin', 'cluster-admin', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }], { labels: BOOTSTRAP }),
  clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-scheduler' }]),
  serviceAccount('default', 'default'),
  serviceAccount('kube-system', 'default'),
  // Written by the API server (1.26+) when it starts tracking legacy token use.
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-apiserver-legacy-service-account-token-tracking', namespace: 'kube-system' },
    data: { since: '2024-06-01' },
  },
];

/**
 * A cluster of about `size` bindings: team namespaces with service accounts, RoleBindings to
 * admin/edit/view and local Roles, a few ClusterRoleBindings (one temporary and expired),
 * legacy token secrets (some used, some invalidated, some mounted). Same seed, same estate.
 */
export const createKubernetesEstate = (seed: number, size: number, name = `cluster-${seed}`): KubernetesEstate => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const objects = bootstrapObjects();
  const teams = Math.max(2, Math.ceil(size / 50));
  for (let t = 0; t < teams; t++) {
    const ns = `team-${t}`;
    objects.push(namespace(ns), serviceAccount(ns, 'default'), role(ns, 'config-editor', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'update'] }]));
  }
  for (let i = 0; i < size; i++) {
    const ns = `team-${i % teams}`;
    const kind = random();
    const subjects: unknown[] = [];
    if (kind < 0.6) subjects.push({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `user${i % Math.max(1, Math.floor(size / 3))}@example.com` });
    else if (kind < 0.8) subjects.push({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `group-${i % 7}` });
    else {
      const saName = `app-${i}`;
      const secretName = `${saName}-token`;
      const withToken = random() < 0.3;
      objects.push(serviceAccount(ns, saName, withToken ? [secretName] : []));
      if (withToken) {
        const labels: Record<string, string> = {};
        const usage = random();
        if (usage < 0.4) labels['kubernetes.io/legacy-token-last-used'] = day(Math.floor(random() * 400)).slice(0, 10);
        else if (usage < 0.5) labels['kubernetes.io/legacy-token-invalid-since'] = day(300).slice(0, 10);
        objects.push(tokenSecret(ns, secretName, saName, labels));
        if (random() < 0.5) objects.push(pod(ns, `${saName}-pod`, saName, [secretName]));
      }
      subjects.push({ kind: 'ServiceAccount', name: saName, namespace: ns });
    }
    const metadata: Record<string, unknown> = { creationTimestamp: day(Math.floor(random() * 300)) };
    if (i % 500 === 7) {
      objects.push(
        clusterRoleBinding(`oncall-${i}`, 'cluster-admin', subjects, {
          ...metadata,
          annotations: { 'dutybound.io/expires-at': day(200), 'dutybound.io/grant-id': `GRANT-${i}` },
        }),
      );
      continue;
    }
    const target = pick(['view', 'view', 'edit', 'admin', 'Role'] as const);
    objects.push(
      target === 'Role'
        ? roleBinding(ns, `binding-${i}`, 'Role', 'config-editor', subjects, metadata)
        : roleBinding(ns, `binding-${i}`, 'ClusterRole', target, subjects, metadata),
    );
  }
  objects.push(opaqueSecret('default', 'database-password'));
  return {
    name,
    token: `token-${name}`,
    identity: { username: 'system:serviceaccount:dutybound:scanner', uid: 'scanner-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:dutybound', 'system:authenticated'] },
    objects,
  };
};

const RBAC_EXPORT_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount']);

/** What `kubectl get clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts -A -o json` prints for these objects. */
export const rbacExport = (objects: readonly KubeObject[]) => ({
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: objects.filter((object) => RBAC_EXPORT_KINDS.has(object.kind)),
});

/** Token secrets (data included, as kubectl prints them), pods and the token-tracking ConfigMap, as one List. */
export const secretsExport = (objects: readonly KubeObject[]) => ({
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: objects.filter(
    (object) =>
      (object.kind === 'Secret' && object.type === 'kubernetes.io/service-account-token') ||
      object.kind === 'Pod' ||
      (object.kind === 'ConfigMap' && object.metadata.name === 'kube-apiserver-legacy-service-account-token-tracking'),
  ),
});
