// A fake Kubernetes API server on 127.0.0.1: RBAC and core lists with `limit`/`continue`,
// 410 Expired on stale continue tokens, 403 on forbidden resources, metadata-only
// (PartialObjectMetadataList) answers, get / create / patch / delete with preconditions,
// SelfSubjectReview, managedFields as the API server's field manager records them, and call
// counting (including how often secret data was served).
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../server.ts';
import type { KubeObject, KubernetesEstate } from './estate.ts';

export interface KubernetesFaults {
  /** Resource plurals (`secrets`, `serviceaccounts`…) every request on which answers 403. */
  forbidden?: string[];
  /** The first N requests that carry a continue token answer 410 Expired. */
  expireContinue?: number;
  /** Every request answers 401. */
  unauthorized?: boolean;
  /** Answer full objects even when metadata only is asked for (an old or non-conformant server). */
  ignoreMetadataAccept?: boolean;
}

export interface KubernetesFakeOptions {
  latencyMs?: number;
  faults?: KubernetesFaults;
}

export interface KubernetesFake extends FakeServer {
  estate: KubernetesEstate;
  /** Current objects (uids, resourceVersions and timestamps assigned), for exports and assertions. */
  objects(): KubeObject[];
  /** Secret objects whose data was sent in some answer (dutybound must keep this at zero). */
  secretDataServed: number;
  /** Continue tokens issued before this call answer 410 from now on (etcd compaction). */
  compact(): void;
}

interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const BUILTIN: ResourceType[] = [
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
];

const status = (code: number, reason: string, message: string, details?: Record<string, unknown>): FakeResponse => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code },
});

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

const encodeToken = (token: { rv: number; start: string }) => Buffer.from(JSON.stringify(token)).toString('base64url');
const decodeToken = (token: string): { rv: number; start: string } | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    return typeof parsed.rv === 'number' && typeof parsed.start === 'string' ? { rv: parsed.rv, start: parsed.start } : undefined;
  } catch {
    return undefined;
  }
};

/** JSON Pointer (RFC 6901) parent and key. */
const pointer = (root: unknown, path: string): { parent: Record<string, unknown> | unknown[]; key: string } => {
  const parts = path.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    node = (Array.isArray(node) ? node[Number(part)] : node[part]) as Record<string, unknown>;
    if (node === undefined || node === null) throw new Error(`path ${path} does not exist`);
  }
  return { parent: node, key: parts.at(-1)! };
};

/** RFC 6902 JSON Patch (test, add, remove, replace); throws on a failed test. */
const applyJsonPatch = (target: Record<string, unknown>, operations: Array<{ op: string; path: string; value?: unknown }>) => {
  for (const operation of operations) {
    const { parent, key } = pointer(target, operation.path);
    const current = Array.isArray(parent) ? parent[key === '-' ? parent.length : Number(key)] : parent[key];
    switch (operation.op) {
      case 'test':
        if (!isDeepStrictEqual(current, operation.value)) throw new Error(`test operation failed at ${operation.path}`);
        break;
      case 'add':
        if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, operation.value);
        else parent[key] = operation.value;
        break;
      case 'remove':
        if (current === undefined) throw new Error(`remove: nothing at ${operation.path}`);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'replace':
        if (current === undefined) throw new Error(`replace: nothing at ${operation.path}`);
        if (Array.isArray(parent)) parent[Number(key)] = operation.value;
        else parent[key] = operation.value;
        break;
      default:
        throw new Error(`unsupported op ${operation.op}`);
    }
  }
};

/** RFC 7386 JSON Merge Patch. */
const mergePatch = (target: Record<string, unknown>, patch: Record<string, unknown>) => {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const base = target[key] && typeof target[key] === 'object' && !Array.isArray(target[key]) ? (target[key] as Record<string, unknown>) : {};
      target[key] = base;
      mergePatch(base, value as Record<string, unknown>);
    } else target[key] = value;
  }
};

/** Map-typed fields: the field manager records each key, and `.` for the map itself. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'data', 'stringData', 'matchLabels', 'nodeSelector']);
/** Structs the API declares atomic (`+structType=atomic`): owned whole, like lists. */
const ATOMIC_FIELDS = new Set(['roleRef']);
/** The metadata a manager can own; the rest (name, uid, resourceVersion…) is the server's. */
const OWNED_METADATA = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

/** The fields `value` sets, as FieldsV1: structs and maps by `f:<key>`, owner references by uid, finalizers by value, other lists and atomic structs whole. */
const fieldsV1 = (value: Record<string, unknown>, isMap = false): Record<string, unknown> => {
  const fields: Record<string, unknown> = isMap ? { '.': {} } : {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'ownerReferences' && Array.isArray(child))
      fields[`f:${key}`] = Object.fromEntries([['.', {}], ...child.map((owner: { uid?: string }) => [`k:${JSON.stringify({ uid: owner.uid })}`, {}])]);
    else if (key === 'finalizers' && Array.isArray(child)) fields[`f:${key}`] = Object.fromEntries([['.', {}], ...child.map((finalizer) => [`v:${JSON.stringify(finalizer)}`, {}])]);
    else fields[`f:${key}`] = child && typeof child === 'object' && !Array.isArray(child) && !ATOMIC_FIELDS.has(key) ? fieldsV1(child as Record<string, unknown>, MAP_FIELDS.has(key)) : {};
  }
  return fields;
};

/** What a writer of `object` set: its owned metadata and every top-level field but status (only `keys`, when given). */
const ownedFields = (object: KubeObject, keys?: ReadonlySet<string>): Record<string, unknown> => {
  const { apiVersion: _apiVersion, kind: _kind, metadata, status: _status, ...spec } = object;
  const meta = Object.fromEntries(OWNED_METADATA.filter((key) => metadata[key] !== undefined && (!keys || keys.has(`metadata.${key}`))).map((key) => [key, metadata[key]]));
  const rest = Object.fromEntries(Object.entries(spec).filter(([key]) => !keys || keys.has(key)));
  return fieldsV1(Object.keys(meta).length ? { metadata: meta, ...rest } : rest);
};

interface ManagedFieldsEntry {
  apiVersion: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  manager: string;
  operation: 'Update';
  time: string;
}

const managedEntry = (object: KubeObject, manager: string, fields: Record<string, unknown>, time: string): ManagedFieldsEntry => ({
  apiVersion: object.apiVersion,
  fieldsType: 'FieldsV1',
  fieldsV1: fields,
  manager,
  operation: 'Update',
  time,
});

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Who wrote an estate object, as a live cluster records it: the API server's bootstrap, the controllers, or kubectl. */
const estateManager = (object: KubeObject) =>
  object.metadata.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults' ||
  object.metadata.name.startsWith('system:') ||
  object.metadata.name.startsWith('kube-apiserver-') ||
  (object.kind === 'Namespace' && SYSTEM_NAMESPACES.has(object.metadata.name))
    ? 'kube-apiserver'
    : (object.kind === 'ServiceAccount' && object.metadata.name === 'default') || (object.kind === 'Secret' && object.type === 'kubernetes.io/service-account-token')
      ? 'kube-controller-manager'
      : 'kubectl-create';

/** The managedFields of an object as first written by `manager`; an aggregated ClusterRole's rules are the aggregation controller's. */
const initialManagedFields = (object: KubeObject, manager: string, time: string): ManagedFieldsEntry[] => {
  if (object.kind === 'ClusterRole' && object.aggregationRule) {
    const { rules: _rules, ...written } = object;
    return [managedEntry(object, manager, ownedFields(written as KubeObject), time), managedEntry(object, 'clusterrole-aggregation-controller', { 'f:rules': {} }, time)];
  }
  return [managedEntry(object, manager, ownedFields(object), time)];
};

/** The top-level fields (and owned metadata, as `metadata.<key>`) that differ between two versions of an object. */
const changedKeys = (before: KubeObject, after: KubeObject): Set<string> => {
  const changed = new Set<string>();
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
    if (!['apiVersion', 'kind', 'metadata', 'status'].includes(key) && !isDeepStrictEqual(before[key], after[key])) changed.add(key);
  for (const key of OWNED_METADATA) if (!isDeepStrictEqual(before.metadata[key], after.metadata[key])) changed.add(`metadata.${key}`);
  return changed;
};

/** FieldsV1 without the fields named in `keys` (top-level names, or `metadata.<key>`). */
const withoutFields = (fields: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> => {
  const kept = Object.fromEntries(Object.entries(fields).filter(([key]) => key === 'f:metadata' || !keys.has(key.slice(2))));
  const metadata = kept['f:metadata'] as Record<string, unknown> | undefined;
  if (metadata) {
    const keptMetadata = Object.fromEntries(Object.entries(metadata).filter(([key]) => !keys.has(`metadata.${key.slice(2)}`)));
    if (Object.keys(keptMetadata).length) kept['f:metadata'] = keptMetadata;
    else delete kept['f:metadata'];
  }
  return kept;
};

/** After an update by `manager` that changed `changed`: it owns those fields, and no other manager does (emptied entries go). */
const updateManagedFields = (entries: readonly ManagedFieldsEntry[], object: KubeObject, manager: string, changed: ReadonlySet<string>, time: string): ManagedFieldsEntry[] => {
  if (!changed.size) return [...entries];
  const others = entries
    .filter((entry) => entry.manager !== manager)
    .map((entry) => ({ ...entry, fieldsV1: withoutFields(entry.fieldsV1, changed) }))
    .filter((entry) => Object.keys(entry.fieldsV1).length);
  const previous = withoutFields(entries.find((entry) => entry.manager === manager)?.fieldsV1 ?? {}, changed);
  const now = ownedFields(object, changed);
  const metadata = { ...(previous['f:metadata'] as object | undefined), ...(now['f:metadata'] as object | undefined) };
  const mine = { ...previous, ...now, ...(Object.keys(metadata).length ? { 'f:metadata': metadata } : {}) };
  return Object.keys(mine).length ? [...others, managedEntry(object, manager, mine, time)] : others;
};

/** The current time as the API server writes it (RFC 3339, seconds). */
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The field manager of a write: `?fieldManager=`, else the user agent up to its first `/`, as the API server does. */
const managerOf = (request: FakeRequest) => request.query.get('fieldManager') || (request.headers['user-agent'] ?? 'unknown').split('/')[0]!;

export const startKubernetesFake = async (estate: KubernetesEstate, options: KubernetesFakeOptions = {}): Promise<KubernetesFake> => {
  const faults = options.faults ?? {};
  let expireContinue = faults.expireContinue ?? 0;
  let resourceVersion = 1000;
  let compactedBelow = 0;
  const types = new Map<string, ResourceType>(BUILTIN.map((type) => [`${type.group}/${type.plural}`, type]));
  const store = new Map<string, Map<string, KubeObject>>(); // plural key → namespace/name → object
  const typeOfObject = (object: KubeObject): ResourceType => {
    const group = groupOf(object.apiVersion);
    const known = [...types.values()].find((type) => type.group === group && type.kind === object.kind);
    if (known) return known;
    const type: ResourceType = {
      group,
      version: object.apiVersion.split('/')[1] ?? 'v1',
      kind: object.kind,
      plural: `${object.kind.toLowerCase()}s`,
      namespaced: object.metadata.namespace !== undefined,
    };
    types.set(`${type.group}/${type.plural}`, type);
    return type;
  };
  const bucket = (type: ResourceType) => {
    const key = `${type.group}/${type.plural}`;
    let found = store.get(key);
    if (!found) store.set(key, (found = new Map()));
    return found;
  };
  // Each bucket's entries in key order, kept until the bucket changes: a list page then filters
  // them instead of sorting the whole resource again (the fake stays cheap next to its client).
  const sortedCache = new Map<Map<string, KubeObject>, Array<[string, KubeObject]>>();
  const sortedEntries = (objects: Map<string, KubeObject>) => {
    let sorted = sortedCache.get(objects);
    if (!sorted) sortedCache.set(objects, (sorted = [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
    return sorted;
  };
  const save = (object: KubeObject) => {
    resourceVersion += 1;
    object.metadata.resourceVersion = String(resourceVersion);
    const objects = bucket(typeOfObject(object));
    objects.set(keyOf(object.metadata.namespace, object.metadata.name), object);
    sortedCache.delete(objects);
  };
  // Deterministic uids: the same estate always gets the same ones (stable inventories across runs).
  let created = 0;
  const uidFor = (seed: string) => {
    const hex = createHash('sha256').update(`${estate.name}\u0000${seed}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const admit = (object: KubeObject) => {
    object.metadata.uid ??= uidFor(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    object.metadata.creationTimestamp ??= '2025-01-01T00:00:00Z';
    object.metadata.managedFields ??= initialManagedFields(object, estateManager(object), object.metadata.creationTimestamp);
    save(object);
  };
  for (const object of estate.objects) admit(clone(object));

  let secretDataServed = 0;
  /** What goes on the wire: list items without kind/apiVersion (like the API server), or metadata only. */
  const present = (object: KubeObject, metadataOnly: boolean, inList: boolean) => {
    if (metadataOnly) return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: clone(object.metadata) };
    if (object.kind === 'Secret' && object.data) secretDataServed += 1;
    if (!inList) return clone(object);
    const { kind: _kind, apiVersion: _apiVersion, ...rest } = clone(object);
    return rest;
  };
  // List items serialized once per object version: the fake stays cheap next to the client it serves.
  const wire = new WeakMap<KubeObject, { full?: string; metadata?: string }>();
  const presentJson = (object: KubeObject, metadataOnly: boolean) => {
    let cached = wire.get(object);
    if (!cached) wire.set(object, (cached = {}));
    if (metadataOnly) return (cached.metadata ??= JSON.stringify(present(object, true, true)));
    if (object.kind === 'Secret' && object.data) secretDataServed += 1;
    if (cached.full === undefined) {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
      cached.full = JSON.stringify(rest);
    }
    return cached.full;
  };

  // Like the API server's watch cache: objects are ready to serve before the first list.
  for (const objects of store.values()) for (const object of objects.values()) presentJson(object, false);
  secretDataServed = 0;

  const fieldFilter = (selector: string | null) => {
    if (!selector) return () => true;
    const terms = selector.split(',').map((term) => {
      const [field, value] = term.split('=');
      return { field: field!, value: value ?? '' };
    });
    return (object: KubeObject) =>
      terms.every(({ field, value }) => {
        if (field === 'metadata.name') return object.metadata.name === value;
        if (field === 'metadata.namespace') return object.metadata.namespace === value;
        if (field === 'type') return object.type === value;
        return false;
      });
  };

  const handler = (request: FakeRequest): FakeResponse => {
    if (faults.unauthorized || request.headers.authorization !== `Bearer ${estate.token}`) return { ...status(401, 'Unauthorized', 'Unauthorized'), operation: 'unauthorized' };
    const segments = request.path.split('/').filter(Boolean);
    let group: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = '';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1]!;
      rest = segments.slice(3);
    } else return status(404, 'NotFound', `the server could not find the requested resource (${request.path})`);
    if (group === 'authentication.k8s.io' && rest[0] === 'selfsubjectreviews' && request.method === 'POST') {
      return {
        status: 201,
        operation: 'create selfsubjectreviews',
        body: {
          kind: 'SelfSubjectReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { creationTimestamp: null },
          status: { userInfo: { username: estate.identity.username, ...(estate.identity.uid ? { uid: estate.identity.uid } : {}), groups: estate.identity.groups } },
        },
      };
    }
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [, namespace, plural, name] = rest as [string, string, string, string | undefined];
    else [plural, name] = rest as [string, string | undefined];
    const type = types.get(`${group}/${plural}`);
    const verb = request.method === 'GET' ? (name ? 'get' : 'list') : request.method.toLowerCase();
    const operation = `${verb} ${plural}`;
    if (!type) return { ...status(404, 'NotFound', `the server could not find the requested resource`), operation };
    if (faults.forbidden?.includes(plural)) {
      const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return {
        ...status(403, 'Forbidden', `${plural}${type.group ? `.${type.group}` : ''} is forbidden: User "${estate.identity.username}" cannot ${verb} resource "${plural}" in API group "${type.group}" ${where}`, {
          kind: plural,
          ...(type.group ? { group: type.group } : {}),
        }),
        operation,
      };
    }
    const items = bucket(type);
    const accept = request.headers.accept ?? '';
    const metadataOnly = accept.includes('as=PartialObjectMetadata') && !faults.ignoreMetadataAccept;
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    const resourceName = `${plural}${type.group ? `.${type.group}` : ''}`;

    if (verb === 'list') {
      const continueToken = request.query.get('continue');
      let start = '';
      let listRv = resourceVersion;
      if (continueToken) {
        const token = decodeToken(continueToken);
        if (!token) return { ...status(400, 'BadRequest', 'continue key is not valid'), operation };
        if (expireContinue > 0 || token.rv < compactedBelow) {
          if (expireContinue > 0) expireContinue -= 1;
          return {
            ...status(
              410,
              'Expired',
              'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
            ),
            operation,
          };
        }
        start = token.start;
        listRv = token.rv;
      }
      const filter = fieldFilter(request.query.get('fieldSelector'));
      const matching = sortedEntries(items).filter(([key, object]) => (namespace === undefined || object.metadata.namespace === namespace) && key > start && filter(object));
      const limit = Number(request.query.get('limit') ?? 0);
      const page = limit > 0 ? matching.slice(0, limit) : matching;
      const more = limit > 0 && matching.length > limit;
      const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
      if (more) {
        metadata.continue = encodeToken({ rv: listRv, start: page.at(-1)![0] });
        metadata.remainingItemCount = matching.length - page.length;
      }
      const head = metadataOnly ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata } : { kind: `${type.kind}List`, apiVersion, metadata };
      const itemsJson = page.map(([, object]) => presentJson(object, metadataOnly)).join(',');
      return {
        status: 200,
        operation,
        headers: { 'content-type': 'application/json' },
        body: `${JSON.stringify(head).slice(0, -1)},"items":[${itemsJson}]}`,
      };
    }

    if (request.method === 'POST' && !name) {
      const object = JSON.parse(request.body) as KubeObject;
      if (!object?.metadata?.name) return { ...status(422, 'Invalid', `${type.kind} is invalid: metadata.name: Required value`), operation };
      if (type.namespaced) object.metadata.namespace = namespace;
      if (items.has(keyOf(namespace, object.metadata.name)))
        return { ...status(409, 'AlreadyExists', `${resourceName} "${object.metadata.name}" already exists`, { name: object.metadata.name, kind: plural }), operation };
      delete object.metadata.uid;
      delete object.metadata.resourceVersion;
      delete object.metadata.creationTimestamp;
      delete object.metadata.managedFields;
      object.apiVersion = apiVersion;
      object.kind = type.kind;
      object.metadata.uid = uidFor(`created/${(created += 1)}`);
      object.metadata.creationTimestamp = now();
      object.metadata.managedFields = initialManagedFields(object, managerOf(request), object.metadata.creationTimestamp);
      save(object);
      return { status: 201, operation, body: present(object, metadataOnly, false) };
    }

    const current = name ? items.get(keyOf(namespace, name)) : undefined;
    if (!name || !current) return { ...status(404, 'NotFound', `${resourceName} "${name}" not found`, { name, kind: plural }), operation };
    const conflict = (detail: string) => ({
      ...status(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName} "${name}": ${detail}`, { name, kind: plural }),
      operation,
    });

    if (verb === 'get') return { status: 200, operation, body: present(current, metadataOnly, false) };

    if (request.method === 'PATCH') {
      const contentType = request.headers['content-type'] ?? '';
      const patched = clone(current);
      try {
        const body = JSON.parse(request.body) as unknown;
        if (contentType.startsWith('application/json-patch+json')) applyJsonPatch(patched, body as Array<{ op: string; path: string; value?: unknown }>);
        else if (contentType.startsWith('application/merge-patch+json') || contentType.startsWith('application/strategic-merge-patch+json'))
          mergePatch(patched, body as Record<string, unknown>);
        else return { ...status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`), operation };
      } catch (error) {
        return { ...status(422, 'Invalid', `the server rejected our request due to an error in our request: ${(error as Error).message}`), operation };
      }
      // A resourceVersion in the patch is a precondition (optimistic concurrency).
      if (patched.metadata.resourceVersion !== current.metadata.resourceVersion) return conflict('the object has been modified; please apply your changes to the latest version and try again');
      if (patched.metadata.uid !== current.metadata.uid) return conflict('Precondition failed: UID in precondition does not match');
      // managedFields are the server's record: whatever the patch said of them, the writer now owns what it changed.
      patched.metadata.managedFields = updateManagedFields(current.metadata.managedFields as ManagedFieldsEntry[], patched, managerOf(request), changedKeys(current, patched), now());
      save(patched);
      return { status: 200, operation, body: present(patched, metadataOnly, false) };
    }

    if (request.method === 'DELETE') {
      const options = request.body ? (JSON.parse(request.body) as { preconditions?: { uid?: string; resourceVersion?: string } }) : {};
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) return conflict(`Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
        return conflict(`Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
      items.delete(keyOf(namespace, name));
      sortedCache.delete(items);
      resourceVersion += 1;
      return {
        status: 200,
        operation,
        body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, ...(type.group ? { group: type.group } : {}), kind: plural, uid: current.metadata.uid } },
      };
    }
    return { ...status(405, 'MethodNotAllowed', `method ${request.method} not allowed`), operation };
  };

  const server = await startFakeServer(handler, { latencyMs: options.latencyMs });
  const fake: KubernetesFake = {
    ...server,
    estate,
    objects: () => [...store.values()].flatMap((objects) => [...objects.values()]).map(clone),
    get secretDataServed() {
      return secretDataServed;
    },
    set secretDataServed(value: number) {
      secretDataServed = value;
    },
    compact() {
      compactedBelow = resourceVersion + 1;
    },
  };
  return fake;
};

/** A kubeconfig (YAML) with one context per fake: context name = cluster name, token auth. */
export const kubeconfigFor = (clusters: Array<{ context: string; fake: { url: string; estate: KubernetesEstate } }>, current?: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${JSON.stringify(current ?? clusters[0]?.context ?? '')}`,
    'clusters:',
    ...clusters.map(({ context, fake }) => `- name: ${JSON.stringify(`${context}-cluster`)}\n  cluster:\n    server: ${JSON.stringify(fake.url)}`),
    'users:',
    ...clusters.map(({ context, fake }) => `- name: ${JSON.stringify(`${context}-user`)}\n  user:\n    token: ${JSON.stringify(fake.estate.token)}`),
    'contexts:',
    ...clusters.map(({ context }) => `- name: ${JSON.stringify(context)}\n  context:\n    cluster: ${JSON.stringify(`${context}-cluster`)}\n    user: ${JSON.stringify(`${context}-user`)}`),
    '',
  ].join('\n');
