// Collection: live clusters (one client per kubeconfig context, paginated lists, a 410 on a
// stale continue token restarts that list) and offline exports, both resolved by rbac.ts.
import type { V1ClusterRole, V1ClusterRoleBinding, V1ConfigMap, V1Namespace, V1ObjectMeta, V1OwnerReference, V1Pod, V1Role, V1RoleBinding, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { isAbsolute, resolve } from 'node:path';
import type { CollectContext, CollectResult } from '../types.ts';
import type { Coverage } from '../../src/model/index.ts';
import { describeError, InputError } from '../../src/errors.ts';
import { apiError, clusterClient, kubeconfigPaths, listPage, loadKubeConfig, METADATA_ONLY_LIST, type ClusterClient, type ListPage } from './cluster.ts';
import { readExport } from './export.ts';
import { networkCause, TargetNetwork, withRetries } from '../network.ts';
import { JIT_OWNER_GROUPS, ownerKey, parseInstant } from './markers.ts';
import { compareEntitlements, resolveCluster, type ResolveOptions } from './rbac.ts';
import type { KubernetesConfig } from './schema.ts';
import { SA_TOKEN_TYPE, TOKEN_TRACKING_CONFIGMAP, type ClusterSnapshot, type Wire } from './types.ts';
import { concatAll } from '../../src/model/collections.ts';

const RBAC_API = '/apis/rbac.authorization.k8s.io/v1';
const SECRET_DATA_NOTE = 'the API server answered the metadata-only secrets list with full objects; their data was discarded unread';

type Page<T> = Pick<ListPage<T>, 'items' | 'metadata'>;

export interface ListStats {
  pages: number;
  restarts: number;
}

/** Every page of one list; a 410 Expired (stale continue token) restarts the list from the beginning, at most twice. */
export const listAll = async <T>(fetchPage: (continueToken: string | undefined) => Promise<Page<T>>, stats: ListStats): Promise<T[]> => {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await fetchPage(token);
        stats.pages += 1;
        for (const item of page.items ?? []) items.push(item);
        token = page.metadata?.continue || undefined;
      } while (token);
      return items;
    } catch (error) {
      if (token !== undefined && apiError(error).code === 410 && attempt < 2) {
        stats.restarts += 1;
        continue;
      }
      throw error;
    }
  }
};

const failure = (what: string, error: unknown) => {
  const own = networkCause(error);
  if (own) return `${what}: ${own.message}`;
  const info = apiError(error);
  const status = info.code === 403 ? '403 forbidden' : info.code === 401 ? '401 unauthorized' : info.code ? `HTTP ${info.code}` : 'unreachable';
  return `${what}: ${status} (${info.message})`;
};

export const resolveOptions = (config: KubernetesConfig): ResolveOptions => ({
  includeSystemSubjects: config.includeSystemSubjects,
  privilegedNamespaces: config.privilegedNamespaces,
  classifierDisabled: config.classifier.disabled,
  expiryAnnotation: config.expiryAnnotation,
  grantIdAnnotation: config.grantIdAnnotation,
});

/** Read one live cluster into a snapshot. Returns the errors of optional lists (partial coverage); throws when RBAC itself cannot be read. */
export const collectSnapshot = async (
  client: ClusterClient,
  config: KubernetesConfig,
  stats: ListStats,
  net: TargetNetwork = new TargetNetwork(`kubernetes ${client.context}`),
): Promise<{ snapshot: ClusterSnapshot; missing: string[]; notes: string[] }> => {
  const limit = pLimit(config.listConcurrency);
  const pageSize = config.pageSize;
  const list = <T>(fetchPage: (token: string | undefined) => Promise<Page<T>>) => limit(() => listAll(fetchPage, stats));
  const missing: string[] = [];
  const notes: string[] = [];
  const optional = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      missing.push(failure(what, error));
      return undefined;
    }
  };
  const required = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new Error(failure(what, error), { cause: error });
    }
  };
  // Every list is read as the API server's JSON (listPage): paths are the API's own. Each page
  // has its deadline, size cap and retries under the cluster's budget.
  const bounded = <T>(path: string, query: Record<string, string | number | undefined>, accept?: string) =>
    withRetries(net, `list ${path}`, (signal) => listPage<T>(client, path, query, accept, { signal, timeoutMs: net.settings.requestTimeoutSeconds * 1000, maxBytes: net.maxBytes }));
  const pages =
    <T>(path: string, query: Record<string, string> = {}, accept?: string) =>
    (token: string | undefined) =>
      bounded<Wire<T>>(path, { ...query, limit: pageSize, continue: token }, accept);
  // Queued longest-first, and follow-ups start as soon as what they depend on is in: the
  // cluster's wall time is its longest chain of pages, not the sum of its lists.
  const roleBindingsList = required('rolebindings', () => list(pages<V1RoleBinding>(`${RBAC_API}/rolebindings`)));
  // Metadata only, and only token secrets: the field selector keeps every other secret out.
  const secretPages = pages<V1Secret>('/api/v1/secrets', { fieldSelector: `type=${SA_TOKEN_TYPE}` }, METADATA_ONLY_LIST);
  const secretsList = optional('secrets', () =>
    list(async (token) => {
      const page = await secretPages(token);
      if ((page as ListPage<unknown>).kind !== 'PartialObjectMetadataList') {
        // A server that ignored the metadata-only request sent values: drop them at once, and say so.
        for (const secret of page.items) {
          delete secret.data;
          delete secret.stringData;
        }
        if (!notes.includes(SECRET_DATA_NOTE)) notes.push(SECRET_DATA_NOTE);
      }
      return page;
    }),
  );
  const podsList = secretsList.then((secrets) => (secrets?.length ? optional('pods', () => list(pages<V1Pod>('/api/v1/pods'))) : undefined));
  const trackingSince = secretsList.then(async (secrets) => {
    if (!secrets?.length) return undefined;
    const maps = await optional('configmaps', () =>
      list(pages<V1ConfigMap>('/api/v1/namespaces/kube-system/configmaps', { fieldSelector: `metadata.name=${TOKEN_TRACKING_CONFIGMAP}` })),
    );
    return maps?.[0]?.data?.since;
  });
  const [roleBindings, clusterRoleBindings, clusterRoles, roles, serviceAccounts, namespaces, tokenSecrets, pods, since] = await Promise.all([
    roleBindingsList,
    required('clusterrolebindings', () => list(pages<V1ClusterRoleBinding>(`${RBAC_API}/clusterrolebindings`))),
    required('clusterroles', () => list(pages<V1ClusterRole>(`${RBAC_API}/clusterroles`))),
    required('roles', () => list(pages<V1Role>(`${RBAC_API}/roles`))),
    optional('serviceaccounts', () => list(pages<V1ServiceAccount>('/api/v1/serviceaccounts'))),
    optional('namespaces', () => list(pages<V1Namespace>('/api/v1/namespaces', {}, METADATA_ONLY_LIST))),
    secretsList,
    podsList,
    trackingSince,
  ]);
  const snapshot: ClusterSnapshot = {
    cluster: client.context,
    clusterRoles,
    clusterRoleBindings,
    roles,
    roleBindings,
    serviceAccounts: serviceAccounts ?? [],
    ...(namespaces ? { namespaces } : {}),
    ...(tokenSecrets ? { tokenSecrets } : {}),
    ...(pods ? { pods } : {}),
    ...(since ? { tokenTrackingSince: since } : {}),
  };
  const followUps: Promise<unknown>[] = [];
  const owners = jitOwnerTypes([clusterRoleBindings, roleBindings]);
  if (owners.length) {
    const jitOwners = new Map<string, { expiresAt?: string; grantId?: string }>();
    snapshot.jitOwners = jitOwners;
    for (const owner of owners) {
      followUps.push(
        optional(`${owner.plural}.${owner.group}`, () =>
          list((token) => bounded<Record<string, unknown>>(`/apis/${owner.group}/${owner.version}/${owner.plural}`, { limit: pageSize, continue: token })),
        ).then((items) => {
          for (const item of items ?? []) {
            const meta = item.metadata as Wire<V1ObjectMeta> | undefined;
            const expiry = JIT_OWNER_GROUPS.get(owner.group)!.expiryPaths.map((path) => parseInstant(dig(item, path))).find(Boolean);
            const requestId = (meta?.labels?.['tarbac.io/request-id'] ?? dig(item, ['status', 'requestID'])) as string | undefined;
            jitOwners.set(ownerKey(owner.group, owner.kind, meta?.namespace, meta?.name ?? ''), {
              ...(expiry ? { expiresAt: expiry } : {}),
              grantId: typeof requestId === 'string' && requestId ? requestId : `${owner.kind}/${meta?.name}`,
            });
          }
        }),
      );
    }
  }
  await Promise.all(followUps);
  return { snapshot, missing, notes };
};

const dig = (value: unknown, path: string[]): unknown => path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);

/** The JIT custom resource types that own some binding (listed once each to read their expiry). */
const jitOwnerTypes = (lists: ReadonlyArray<ReadonlyArray<{ metadata?: Wire<V1ObjectMeta> }>>) => {
  const types = new Map<string, { group: string; version: string; kind: string; plural: string }>();
  for (const list of lists)
    for (const { metadata } of list)
      for (const owner of metadata?.ownerReferences ?? ([] as V1OwnerReference[])) {
        const [group, version] = owner.apiVersion.split('/');
        const jit = group && version ? JIT_OWNER_GROUPS.get(group) : undefined;
        if (!jit?.kinds.includes(owner.kind)) continue;
        types.set(`${owner.apiVersion}/${owner.kind}`, { group: group!, version: version!, kind: owner.kind, plural: `${owner.kind.toLowerCase()}s` });
      }
  return [...types.values()];
};

const compareTargets = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface ClusterResult extends CollectResult {
  coverage: Coverage[];
}

const collectLive = async (client: ClusterClient, config: KubernetesConfig, ctx: CollectContext): Promise<ClusterResult> => {
  const started = Date.now();
  const stats: ListStats = { pages: 0, restarts: 0 };
  const identity = `server ${client.server} (kubeconfig cluster ${client.clusterName})`;
  const net = new TargetNetwork(`kubernetes ${client.context}`, ctx.network, ctx.log, ctx.signal);
  try {
    if (ctx.signal?.aborted) throw net.deadlineError();
    net.started();
    const { snapshot, missing, notes: listNotes } = await collectSnapshot(client, config, stats, net);
    // A list cut short by the scan's deadline is not "partial": the cluster did not finish.
    if (ctx.signal?.aborted) throw net.deadlineError();
    net.done();
    const resolved = resolveCluster(snapshot, resolveOptions(config));
    ctx.log.debug(`kubernetes ${client.context}: ${stats.pages} pages, ${resolved.entitlements.length} entitlements in ${Date.now() - started} ms`);
    const notes = [identity, ...listNotes, ...(stats.restarts ? [`${stats.restarts} list(s) restarted after an expired continue token (410)`] : []), ...resolved.notes];
    return {
      coverage: [
        { system: 'kubernetes', target: client.context, status: missing.length ? 'partial' : 'ok', ...(missing.length ? { error: missing.join('; ') } : {}), notes },
      ],
      principals: resolved.principals,
      entitlements: resolved.entitlements,
      credentials: resolved.credentials,
    };
  } catch (error) {
    net.done('failed');
    ctx.log.warn(`kubernetes ${client.context}: ${describeError(error)}`);
    return {
      coverage: [{ system: 'kubernetes', target: client.context, status: 'failed', error: error instanceof Error ? error.message : String(error), notes: [identity] }],
      principals: [],
      entitlements: [],
      credentials: [],
    };
  }
};

const collectExport = (entry: KubernetesConfig['exports'][number], config: KubernetesConfig, ctx: CollectContext): ClusterResult => {
  const path = (file: string) => (isAbsolute(file) ? file : resolve(ctx.baseDir, file));
  const snapshot = readExport(entry.cluster, path(entry.file), entry.secrets ? path(entry.secrets) : undefined);
  const resolved = resolveCluster(snapshot, resolveOptions(config));
  const notes = [`export ${path(entry.file)}${entry.secrets ? ` and ${path(entry.secrets)}` : ''}`, ...(entry.secrets ? [] : ['token secrets not exported']), ...resolved.notes];
  return {
    coverage: [{ system: 'kubernetes', target: entry.cluster, status: 'ok', notes }],
    principals: resolved.principals,
    entitlements: resolved.entitlements,
    credentials: resolved.credentials,
  };
};

/** The contexts to scan live: the configured ones; when omitted, the current context (none when exports are given). */
export const liveContexts = (config: KubernetesConfig, current: () => string): string[] => {
  if (config.contexts) return config.contexts;
  if (config.exports.length) return [];
  const name = current();
  if (!name) throw new InputError('kubernetes: the kubeconfig has no current-context; list the contexts to scan in kubernetes.contexts');
  return [name];
};

export const collectKubernetes = async (config: KubernetesConfig, ctx: CollectContext): Promise<CollectResult> => {
  const wanted = (target: string) => ctx.onlyTarget === undefined || ctx.onlyTarget === target;
  const exports = config.exports.filter((entry) => wanted(entry.cluster));
  const needsLive = config.contexts ? config.contexts.some(wanted) : !config.exports.length;
  const base = needsLive ? loadKubeConfig(kubeconfigPaths(config, ctx.baseDir)) : undefined;
  const contexts = base ? liveContexts(config, () => base.getCurrentContext()).filter(wanted) : [];
  const seen = new Set<string>();
  for (const target of [...contexts, ...exports.map((entry) => entry.cluster)]) {
    if (seen.has(target)) throw new InputError(`kubernetes: cluster "${target}" is named twice (contexts and exports must name distinct clusters)`);
    seen.add(target);
  }
  // Clients first: a context missing from the kubeconfig is a config error, before any call;
  // a context whose entry cannot be used (malformed server URL…) fails alone.
  const clients = contexts.map((name): ClusterClient | ClusterResult => {
    try {
      return clusterClient(base!, name, ctx.network);
    } catch (error) {
      if (error instanceof InputError) throw error;
      return { coverage: [{ system: 'kubernetes', target: name, status: 'failed', error: `kubeconfig: ${describeError(error)}` }], principals: [], entitlements: [], credentials: [] };
    }
  });
  const exported = exports.map((entry) => collectExport(entry, config, ctx));
  const limit = pLimit(config.concurrency);
  const live = await Promise.all(clients.map((client) => ('coverage' in client ? client : limit(() => collectLive(client, config, ctx)))));
  // Each cluster's lists come sorted (resolveCluster's order); in target order they are usually
  // one sorted run already, which only the seams between clusters need to confirm.
  const results = [...live, ...exported].sort((a, b) => compareTargets(a.coverage[0]!.target, b.coverage[0]!.target));
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    coverage: results.flatMap((result) => result.coverage).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
    principals: concatSorted(results.map((result) => result.principals), byId),
    entitlements: concatSorted(results.map((result) => result.entitlements), compareEntitlements),
    credentials: concatSorted(results.map((result) => result.credentials), byId),
  };
};

/**
 * The lists, each already sorted by `compare`, as one sorted list: concatenated, and sorted
 * (stably, so the same result) only when some list's first item belongs before the previous one's last.
 */
export const concatSorted = <T>(lists: ReadonlyArray<readonly T[]>, compare: (a: T, b: T) => number): T[] => {
  let ordered = true;
  let last: T | undefined;
  for (const list of lists) {
    if (!list.length) continue;
    if (last !== undefined && compare(last, list[0]!) > 0) ordered = false;
    last = list[list.length - 1];
  }
  // concat copies whole lists at once, far faster than pushing item by item.
  const all = concatAll(lists);
  return ordered ? all : all.sort(compare);
};
