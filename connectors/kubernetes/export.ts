// Offline import: what `kubectl get … -A -o json` prints (a List), read as the same JSON
// objects live collection reads from the API server. Secret data is dropped on read.
import { readFileSync } from 'node:fs';
import type { V1ClusterRole, V1ClusterRoleBinding, V1Namespace, V1Pod, V1Role, V1RoleBinding, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { InputError, inputErrors } from '../../src/errors.ts';
import { SA_TOKEN_TYPE, TOKEN_TRACKING_CONFIGMAP, type ClusterSnapshot, type Wire } from './types.ts';

/**
 * One exported API object as the snapshot holds it: the JSON as kubectl printed it, which is
 * what the API server sends to live collection too (times stay RFC 3339 strings). `kind` names
 * the client-node model the object is typed with.
 */
export const toModel = <T>(_kind: string, item: unknown): Wire<T> => item as Wire<T>;

const readItems = (file: string): Array<{ kind: string; item: Record<string, unknown> }> => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the export (${(error as Error).message})`, [], { cause: error });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON or YAML (${(error as Error).message.split('\n')[0]})`, [], { cause: error });
  }
  const list = document as { kind?: unknown; items?: unknown };
  if (!list || typeof list !== 'object' || !Array.isArray(list.items) || (typeof list.kind === 'string' && !list.kind.endsWith('List')))
    throw new InputError(`${file}: expected a List with items (the output of kubectl get … -o json), got ${list && typeof list === 'object' ? `kind ${String(list.kind)}` : typeof document}`);
  // A List of one resource type (`kubectl get clusterroles -o json`) may leave kind off its items.
  const impliedKind = typeof list.kind === 'string' && list.kind !== 'List' ? list.kind.slice(0, -'List'.length) : undefined;
  const problems: string[] = [];
  const items: Array<{ kind: string; item: Record<string, unknown> }> = [];
  list.items.forEach((raw, index) => {
    const item = raw as Record<string, unknown> | null;
    const kind = typeof item?.kind === 'string' ? item.kind : impliedKind;
    if (!item || typeof item !== 'object' || !kind) return void problems.push(`items[${index}]: expected an object with a kind`);
    const metadata = item.metadata as { name?: unknown } | undefined;
    if (typeof metadata?.name !== 'string') return void problems.push(`items[${index}] (${kind}): metadata.name missing`);
    if ((kind === 'ClusterRoleBinding' || kind === 'RoleBinding') && typeof (item.roleRef as { name?: unknown } | undefined)?.name !== 'string')
      return void problems.push(`items[${index}] (${kind} ${metadata.name}): roleRef.name missing`);
    if (kind === 'Secret') {
      // Never keep secret values, not even in memory longer than this line.
      delete item.data;
      delete item.stringData;
    }
    items.push({ kind, item });
  });
  if (problems.length) throw inputErrors(file, problems);
  return items;
};

/** One cluster's snapshot from its RBAC export and optional secrets (and pods) export. */
export const readExport = (cluster: string, file: string, secretsFile?: string): ClusterSnapshot => {
  const snapshot: ClusterSnapshot = { cluster, clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [], serviceAccounts: [] };
  const files = [file, ...(secretsFile ? [secretsFile] : [])];
  const namespaces: Array<Wire<V1Namespace>> = [];
  const secrets: Array<Wire<V1Secret>> = [];
  const pods: Array<Wire<V1Pod>> = [];
  for (const path of files) {
    for (const { kind, item } of readItems(path)) {
      switch (kind) {
        case 'ClusterRole':
          snapshot.clusterRoles.push(toModel<V1ClusterRole>(kind, item));
          break;
        case 'ClusterRoleBinding':
          snapshot.clusterRoleBindings.push(toModel<V1ClusterRoleBinding>(kind, item));
          break;
        case 'Role':
          snapshot.roles.push(toModel<V1Role>(kind, item));
          break;
        case 'RoleBinding':
          snapshot.roleBindings.push(toModel<V1RoleBinding>(kind, item));
          break;
        case 'ServiceAccount':
          snapshot.serviceAccounts.push(toModel<V1ServiceAccount>(kind, item));
          break;
        case 'Namespace':
          namespaces.push(toModel<V1Namespace>(kind, item));
          break;
        case 'Secret':
          if (item.type === undefined || item.type === SA_TOKEN_TYPE) secrets.push(toModel<V1Secret>(kind, item));
          break;
        case 'Pod':
          pods.push(toModel<V1Pod>(kind, item));
          break;
        case 'ConfigMap': {
          const since = (item.data as Record<string, unknown> | undefined)?.since;
          const meta = item.metadata as { name?: string; namespace?: string };
          if (meta.name === TOKEN_TRACKING_CONFIGMAP && meta.namespace === 'kube-system' && typeof since === 'string') snapshot.tokenTrackingSince = since;
          break;
        }
        default:
          break; // other kinds in a combined export carry no RBAC
      }
    }
  }
  if (namespaces.length) snapshot.namespaces = namespaces;
  if (secretsFile) snapshot.tokenSecrets = secrets;
  if (pods.length) snapshot.pods = pods;
  return snapshot;
};
