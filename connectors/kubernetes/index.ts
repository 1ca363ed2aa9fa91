// The Kubernetes privilege connector: effective RBAC per cluster, risky-permission
// classification, legacy service-account token secrets, revokers.
import type { PrivilegeConnector } from '../types.ts';
import { collectKubernetes } from './collect.ts';
import { kubernetesPermissions } from './permissions.ts';
import { kubernetesRevokers } from './revoke.ts';
import { kubernetesSchema } from './schema.ts';

export const kubernetesConnector = {
  id: 'kubernetes',
  title: 'Kubernetes RBAC',
  configSchema: kubernetesSchema,
  collect: collectKubernetes,
  permissions: kubernetesPermissions,
  revokers: kubernetesRevokers,
} satisfies PrivilegeConnector<typeof kubernetesSchema>;
