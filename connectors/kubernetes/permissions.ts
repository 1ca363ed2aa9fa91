// The least-privilege ClusterRoles dutybound needs: one to scan, one more for enforce.
import type { PermissionsDocument } from '../types.ts';

const clusterRole = (name: string, rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels: { 'app.kubernetes.io/name': 'dutybound' } },
  rules,
});

export const SCAN_RULES = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: ['list'] },
  { apiGroups: [''], resources: ['serviceaccounts', 'namespaces', 'pods'], verbs: ['list'] },
  // Listed metadata-only with a type field selector: dutybound never receives secret values.
  { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['list'] },
  { apiGroups: ['tarbac.io'], resources: ['temporaryrbacs', 'clustertemporaryrbacs'], verbs: ['list'] },
  { apiGroups: ['jit.kubejit.io'], resources: ['jitrequests'], verbs: ['list'] },
  { apiGroups: ['rbac.hhh.github.io'], resources: ['timedrolebindings', 'timedclusterrolebindings'], verbs: ['list'] },
];

export const ENFORCE_RULES = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings', 'rolebindings'], verbs: ['get', 'patch', 'delete', 'create'] },
  // Restoring a deleted binding re-creates it: RBAC escalation checks demand bind on its role.
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'roles'], verbs: ['bind'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
];

export const kubernetesPermissions = (): PermissionsDocument => ({
  format: 'yaml',
  scan: clusterRole('dutybound-scanner', SCAN_RULES),
  enforce: clusterRole('dutybound-enforcer', [...SCAN_RULES, ...ENFORCE_RULES]),
  notes: [
    'Bind the ClusterRole with a ClusterRoleBinding to the identity dutybound runs as, in each cluster (dutybound-enforcer includes everything dutybound-scanner has).',
    'Secrets are listed with `Accept: …;as=PartialObjectMetadataList` and `fieldSelector=type=kubernetes.io/service-account-token`: metadata only, token secrets only.',
    'Without list on secrets the cluster is scanned with partial coverage (no token credentials).',
    'The JIT resource lists (tarbac, kube-jit, timed role bindings) are only used when a binding is owned by one; drop them if you run none.',
    'Enforce patches secrets only to add or remove the kubernetes.io/legacy-token-invalid-since label (reversible); it never deletes a secret.',
  ],
});
