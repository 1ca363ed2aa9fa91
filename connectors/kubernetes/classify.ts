// The risky-permission classifier: one table with stable ids (the union of what rbac-police,
// KubiScan, kubescape, krane and rbac-tool flag), evaluated over a role's effective rules in
// the scope it is bound at. Pure.
import type { V1PolicyRule } from '@kubernetes/client-node';
import type { Level } from '../../src/model/index.ts';

/** Where a role's rules apply: the whole cluster (ClusterRoleBinding) or one namespace (RoleBinding). */
export interface Scope {
  namespace: string | null;
}

export type Privileged = 'always' | 'privileged-scope';

export interface ClassifierEntry {
  id: string;
  title: string;
  /** `privileged-scope`: privileged only cluster-wide or in a privileged namespace. */
  privileged: Privileged;
  match(rule: V1PolicyRule, scope: Scope): boolean;
}

export interface Classification {
  level: Level;
  privileged: boolean;
  /** Ids of the matched table entries, in table order. */
  risks: string[];
}

/** Admission control: whoever changes these can rewrite or wave through any object. */
const ADMISSION_RESOURCES = [
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
];

/** Resources that only a cluster-wide binding can grant (a RoleBinding to a ClusterRole does not). */
const CLUSTER_SCOPED = new Set([
  'nodes',
  'nodes/proxy',
  'nodes/status',
  'persistentvolumes',
  'namespaces',
  'clusterroles',
  'clusterrolebindings',
  'certificatesigningrequests',
  'certificatesigningrequests/approval',
  'signers',
  ...ADMISSION_RESOURCES,
  'users',
  'groups',
  'uids',
  'userextras',
  'customresourcedefinitions',
  'apiservices',
  'storageclasses',
  'priorityclasses',
  'runtimeclasses',
  'ingressclasses',
  'csidrivers',
  'csinodes',
  'volumeattachments',
  'componentstatuses',
]);

/** A resource of a rule (`nodes/proxy`, `userextras/scopes`) is cluster-scoped when its resource is. */
const clusterScoped = (resource: string) => CLUSTER_SCOPED.has(resource) || CLUSTER_SCOPED.has(resource.split('/')[0]!);

/** Whether a rule can grant anything in `scope`: everything cluster-wide; in a namespace, only rules naming some namespaced resource (or `*`). */
const appliesIn = (rule: V1PolicyRule, scope: Scope) => scope.namespace === null || (rule.resources ?? []).some((resource) => !clusterScoped(resource));

/** The scope of a check that does not depend on where the role is bound. */
const ANY_SCOPE: Scope = { namespace: null };

const has = (list: string[] | undefined, value: string) => (list ?? []).includes(value);

const resourceMatches = (ruleResources: string[], resource: string): boolean => {
  if (ruleResources.includes('*') || ruleResources.includes(resource)) return true;
  const slash = resource.indexOf('/');
  if (slash < 0) return false;
  // `*/exec` grants the exec subresource of any resource.
  return ruleResources.includes(`*${resource.slice(slash)}`);
};

/** Does `rule` grant any of `verbs` on any of `resources` in `group`, within `scope`? Rules limited to resourceNames count too unless `unnamedOnly`. */
export const grants = (rule: V1PolicyRule, verbs: string[], group: string, resources: string[], scope: Scope, unnamedOnly = false): boolean => {
  if (!rule.resources?.length) return false;
  if (unnamedOnly && rule.resourceNames?.length) return false;
  if (!has(rule.verbs, '*') && !verbs.some((verb) => has(rule.verbs, verb))) return false;
  if (!has(rule.apiGroups, '*') && !has(rule.apiGroups, group)) return false;
  const inScope = scope.namespace === null ? resources : resources.filter((resource) => !clusterScoped(resource));
  return inScope.some((resource) => resourceMatches(rule.resources ?? [], resource));
};

const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const WORKLOADS: Array<[string, string[]]> = [
  ['', ['pods', 'replicationcontrollers']],
  ['apps', ['deployments', 'daemonsets', 'statefulsets', 'replicasets']],
  ['batch', ['jobs', 'cronjobs']],
];

export const CLASSIFIER: readonly ClassifierEntry[] = [
  {
    id: 'cluster-admin',
    title: 'Every verb on every resource of every API group (cluster-admin or its equivalent)',
    privileged: 'always',
    match: (rule) => has(rule.verbs, '*') && has(rule.apiGroups, '*') && has(rule.resources, '*') && !rule.resourceNames?.length,
  },
  { id: 'wildcard-verbs', title: 'Wildcard verbs (`*`) on a resource', privileged: 'always', match: (rule, scope) => has(rule.verbs, '*') && !!rule.resources?.length && appliesIn(rule, scope) },
  { id: 'wildcard-resources', title: 'Wildcard resources (`*`) in an API group', privileged: 'always', match: (rule) => has(rule.resources, '*') },
  {
    id: 'escalate',
    title: 'escalate on roles: grant permissions one does not hold',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['escalate'], 'rbac.authorization.k8s.io', ['roles', 'clusterroles'], scope),
  },
  {
    id: 'bind',
    title: 'bind on roles: bind roles with permissions one does not hold',
    privileged: 'always',
    // Checked in the namespace of the binding being made: bind on clusterroles held through a
    // RoleBinding lets one bind any such ClusterRole (cluster-admin too) in that namespace.
    match: (rule) => grants(rule, ['bind'], 'rbac.authorization.k8s.io', ['roles', 'clusterroles'], ANY_SCOPE),
  },
  {
    id: 'impersonate',
    title: 'impersonate users, groups or service accounts',
    privileged: 'always',
    match: (rule, scope) =>
      grants(rule, ['impersonate'], '', ['users', 'groups', 'serviceaccounts'], scope) ||
      grants(rule, ['impersonate'], 'authentication.k8s.io', ['uids', 'userextras/scopes', 'userextras'], scope),
  },
  {
    id: 'secrets-read',
    title: 'Read secrets (get, list or watch): steals service-account tokens and credentials',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['get', 'list', 'watch'], '', ['secrets'], scope),
  },
  { id: 'pods-exec', title: 'Exec into pods (pods/exec)', privileged: 'always', match: (rule, scope) => grants(rule, ['create', 'get'], '', ['pods/exec'], scope) },
  { id: 'pods-attach', title: 'Attach to pods (pods/attach)', privileged: 'always', match: (rule, scope) => grants(rule, ['create', 'get'], '', ['pods/attach'], scope) },
  {
    id: 'pods-ephemeral-containers',
    title: 'Add ephemeral containers to running pods',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['update', 'patch'], '', ['pods/ephemeralcontainers'], scope),
  },
  {
    id: 'create-workloads',
    title: 'Create or change pods or workloads (mounts any service account of the namespace); privileged cluster-wide or in privileged namespaces',
    privileged: 'privileged-scope',
    // A create names no object, so resourceNames rule it out; changing even one named workload
    // rewrites its pod template (service account, image, host paths).
    match: (rule, scope) =>
      WORKLOADS.some(([group, resources]) => grants(rule, ['create'], group, resources, scope, true) || grants(rule, ['update', 'patch'], group, resources, scope)),
  },
  { id: 'nodes-proxy', title: 'nodes/proxy: the kubelet API (exec in any pod of the node)', privileged: 'always', match: (rule, scope) => grants(rule, ['get', 'create'], '', ['nodes/proxy'], scope) },
  {
    id: 'serviceaccount-token',
    title: 'Create service-account tokens (serviceaccounts/token)',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['create'], '', ['serviceaccounts/token'], scope),
  },
  {
    id: 'csr-approval',
    title: 'Approve certificate signing requests (mint client certificates)',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['update', 'patch'], 'certificates.k8s.io', ['certificatesigningrequests/approval'], scope),
  },
  {
    id: 'admission-webhooks',
    title: 'Change admission webhooks or policies (intercept or rewrite every request)',
    privileged: 'always',
    match: (rule, scope) =>
      grants(
        rule,
        WRITE,
        'admissionregistration.k8s.io',
        ADMISSION_RESOURCES,
        scope,
      ),
  },
  {
    id: 'rbac-changes',
    title: 'Change roles or bindings',
    privileged: 'always',
    match: (rule, scope) => grants(rule, WRITE, 'rbac.authorization.k8s.io', ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'], scope),
  },
  {
    id: 'persistentvolumes-create',
    title: 'Create persistent volumes (hostPath volumes reach the node file system)',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['create'], '', ['persistentvolumes'], scope),
  },
  {
    id: 'nodes-modify',
    title: 'Change nodes (labels and taints steer privileged pods)',
    privileged: 'always',
    match: (rule, scope) => grants(rule, ['update', 'patch'], '', ['nodes', 'nodes/status'], scope),
  },
  {
    id: 'apiservices-changes',
    title: 'Change API services (route a whole API group to a service of one\'s choosing)',
    privileged: 'always',
    match: (rule, scope) => grants(rule, WRITE, 'apiregistration.k8s.io', ['apiservices'], scope),
  },
  {
    id: 'eks-aws-auth',
    title: 'Change the aws-auth ConfigMap in kube-system (EKS: map any IAM identity to any Kubernetes user or group)',
    privileged: 'always',
    match: (rule, scope) =>
      (scope.namespace === null || scope.namespace === 'kube-system') &&
      (grants(rule, ['create'], '', ['configmaps'], scope, true) || (grants(rule, ['update', 'patch'], '', ['configmaps'], scope) && (!rule.resourceNames?.length || has(rule.resourceNames, 'aws-auth')))),
  },
];

export const CLASSIFIER_IDS: readonly string[] = CLASSIFIER.map((entry) => entry.id);

const READ_VERBS = new Set(['get', 'list', 'watch']);

export interface ClassifyOptions {
  privilegedNamespaces: readonly string[];
  disabled: readonly string[];
}

/** Classify a role's effective rules in the scope it is bound at. */
export const classifyRules = (rules: readonly V1PolicyRule[], scope: Scope, options: ClassifyOptions): Classification => {
  const privilegedScope = scope.namespace === null || options.privilegedNamespaces.includes(scope.namespace);
  const risks: string[] = [];
  let privileged = false;
  for (const entry of CLASSIFIER) {
    if (!rules.some((rule) => entry.match(rule, scope))) continue;
    risks.push(entry.id);
    if (options.disabled.includes(entry.id)) continue;
    if (entry.privileged === 'always' || privilegedScope) privileged = true;
  }
  const level: Level = risks.includes('cluster-admin')
    ? 'admin'
    : rules.some((rule) => appliesIn(rule, scope) && (rule.verbs ?? []).some((verb) => !READ_VERBS.has(verb)))
      ? 'write'
      : 'read';
  return { level, privileged, risks };
};
