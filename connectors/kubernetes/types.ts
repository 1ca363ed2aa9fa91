// What one cluster's collection (live or export) produces before resolution: API objects as
// the API server sends them (JSON), typed with the @kubernetes/client-node model interfaces,
// so live lists and exports go through the same code.
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

/**
 * A client-node model as it is on the wire: the same fields, with the times that the model's
 * deserializer turns into Date left as the RFC 3339 strings the API server sends.
 */
export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export interface ClusterSnapshot {
  /** Cluster name: the kubeconfig context name, or the export's `cluster`. */
  cluster: string;
  clusterRoles: Array<Wire<V1ClusterRole>>;
  clusterRoleBindings: Array<Wire<V1ClusterRoleBinding>>;
  roles: Array<Wire<V1Role>>;
  roleBindings: Array<Wire<V1RoleBinding>>;
  serviceAccounts: Array<Wire<V1ServiceAccount>>;
  /** Undefined when not collected (forbidden, or absent from an export). */
  namespaces?: Array<Wire<V1Namespace>>;
  /** Service-account token secrets, metadata only (never data). Undefined when not collected. */
  tokenSecrets?: Array<Wire<V1Secret>>;
  /** Pods, for which token secrets they mount. Undefined when not collected. */
  pods?: Array<Wire<V1Pod>>;
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
