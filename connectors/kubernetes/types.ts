// What one cluster's collection (live or export) produces before resolution: the
// @kubernetes/client-node models, so live lists and exports go through the same code.
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Namespace,
  V1Pod,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';

export interface ClusterSnapshot {
  /** Cluster name: the kubeconfig context name, or the export's `cluster`. */
  cluster: string;
  clusterRoles: V1ClusterRole[];
  clusterRoleBindings: V1ClusterRoleBinding[];
  roles: V1Role[];
  roleBindings: V1RoleBinding[];
  serviceAccounts: V1ServiceAccount[];
  /** Undefined when not collected (forbidden, or absent from an export). */
  namespaces?: V1Namespace[];
  /** Service-account token secrets, metadata only (never data). Undefined when not collected. */
  tokenSecrets?: V1Secret[];
  /** Pods, for which token secrets they mount. Undefined when not collected. */
  pods?: V1Pod[];
  /** Date (YYYY-MM-DD) since which the API server tracks legacy token use, when known. */
  tokenTrackingSince?: string;
  /** Expiry and grant id of JIT resources that own bindings, keyed `<apiVersion group>/<Kind>/<namespace>/<name>`. */
  jitOwners?: Map<string, { expiresAt?: string; grantId?: string }>;
}

export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
export const TOKEN_TRACKING_CONFIGMAP = 'kube-apiserver-legacy-service-account-token-tracking';
