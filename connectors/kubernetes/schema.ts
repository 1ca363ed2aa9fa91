// The `kubernetes:` section of dutybound.yaml.
import { z } from 'zod';
import { CLASSIFIER_IDS } from './classify.ts';

export const DEFAULT_PRIVILEGED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];

const exportSchema = z
  .object({
    cluster: z.string().min(1).describe('Cluster name the export describes (the target of its entitlements).'),
    file: z
      .string()
      .min(1)
      .describe('Output of `kubectl get clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts -A -o json` (a List; YAML works too).'),
    secrets: z
      .string()
      .optional()
      .describe(
        'Optional List of service-account token secrets (`kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token -o json`; data fields are dropped on read), optionally with pods (mount checks) and the kube-system/kube-apiserver-legacy-service-account-token-tracking ConfigMap (never-used tokens).',
      ),
  })
  .strict();

export const kubernetesSchema = z
  .object({
    kubeconfig: z.string().optional().describe('Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config). Relative to the config file.'),
    contexts: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Kubeconfig contexts to scan; the cluster name is the context name. Omitted: the current context only (or none when `exports` are given).',
      ),
    exports: z.array(exportSchema).default([]).describe('Offline clusters: kubectl JSON exports instead of live collection.'),
    expiryAnnotation: z
      .string()
      .default('dutybound.io/expires-at')
      .describe('Annotation on a binding holding its stated expiry (ISO 8601 with offset); past it the access is an expired grant.'),
    grantIdAnnotation: z.string().default('dutybound.io/grant-id').describe('Annotation on a binding naming the ledger grant it implements.'),
    privilegedNamespaces: z
      .array(z.string())
      .default(DEFAULT_PRIVILEGED_NAMESPACES)
      .describe('Namespaces where creating workloads always counts as privileged (it can mount their powerful service accounts). Namespaces whose service accounts hold privileged access beyond them count too, without being listed.'),
    includeSystemSubjects: z
      .boolean()
      .default(false)
      .describe(
        'Give entitlements to control-plane subjects too, as the control plane\'s own bindings (named `system:…` or labelled rbac-defaults) name them: `system:` users and groups, kube-system service accounts. Any other binding to them is always shown. system:anonymous and the implicit groups (system:masters, system:authenticated, system:unauthenticated, system:serviceaccounts[:ns]) are always included. System subjects are never revoked either way.',
      ),
    classifier: z
      .object({
        disabled: z.array(z.enum(CLASSIFIER_IDS as [string, ...string[]])).default([]).describe('Classifier rule ids that never make an entitlement privileged (see the README table).'),
      })
      .strict()
      .prefault({})
      .describe('Adjustments to the risky-permission classifier.'),
    concurrency: z.number().int().min(1).max(64).default(20).describe('Clusters collected at once.'),
    listConcurrency: z.number().int().min(1).max(16).default(4).describe('List calls in flight per cluster.'),
    pageSize: z.number().int().min(1).max(10000).default(500).describe('Items per list page (`limit`).'),
  })
  .strict()
  .describe('Kubernetes clusters: effective RBAC, risky permissions, legacy service-account token secrets.');

export type KubernetesConfig = z.output<typeof kubernetesSchema>;
