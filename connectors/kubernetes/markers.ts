// Temporary-binding markers: the expiry and grant id a binding states about itself, from
// the JIT conventions that exist and from dutybound's own annotations. Pure.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { Wire } from './types.ts';

/** kube-jit writes the end of the approved window on the bindings it creates. */
export const KUBE_JIT_EXPIRY = 'jit.kubejit.io/expiry';
/** tarbac labels the bindings of a (Cluster)TemporaryRBAC with its name and request id. */
export const TARBAC_OWNER = 'tarbac.io/owner';
export const TARBAC_REQUEST_ID = 'tarbac.io/request-id';

/** API groups of JIT controllers whose resources own the bindings they create (expiry lives in the owner). */
export const JIT_OWNER_GROUPS: ReadonlyMap<string, { kinds: string[]; expiryPaths: string[][] }> = new Map([
  ['tarbac.io', { kinds: ['TemporaryRBAC', 'ClusterTemporaryRBAC'], expiryPaths: [['status', 'expiresAt']] }],
  ['jit.kubejit.io', { kinds: ['JitRequest'], expiryPaths: [['spec', 'endTime']] }],
  ['rbac.hhh.github.io', { kinds: ['TimedRoleBinding', 'TimedClusterRoleBinding'], expiryPaths: [['spec', 'endTime']] }],
]);

export interface Markers {
  expiresAt?: string;
  grantId?: string;
  /** Which convention supplied them, for the evidence trail. */
  sources: string[];
  /** A marker present but unreadable (not an ISO time with an offset). */
  problems: string[];
}

export interface MarkerOptions {
  expiryAnnotation: string;
  grantIdAnnotation: string;
  jitOwners?: Map<string, { expiresAt?: string; grantId?: string }>;
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 / RFC 3339 time with an offset, normalized; undefined when unreadable. */
export const parseInstant = (value: unknown): string | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value !== 'string' || !OFFSET.test(value.trim())) return undefined;
  const time = new Date(value.trim());
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
};

export const ownerKey = (group: string, kind: string, namespace: string | undefined, name: string) => `${group}/${kind}/${namespace ?? ''}/${name}`;

/** What a binding with no annotation, label or owner states: nothing (shared, never changed). */
const NO_MARKERS: Markers = Object.freeze({ sources: Object.freeze([] as string[]) as string[], problems: Object.freeze([] as string[]) as string[] });

export const bindingMarkers = (meta: Wire<V1ObjectMeta> | undefined, options: MarkerOptions): Markers => {
  // Most bindings carry no annotation, label or owner at all: nothing to read.
  if (!meta?.annotations && !meta?.labels && !meta?.ownerReferences?.length) return NO_MARKERS;
  const annotations = meta?.annotations ?? {};
  const labels = meta?.labels ?? {};
  const markers: Markers = { sources: [], problems: [] };
  const expiries: string[] = [];
  const readExpiry = (key: string, value: string | undefined) => {
    if (value === undefined) return;
    const instant = parseInstant(value);
    if (instant) {
      expiries.push(instant);
      markers.sources.push(key);
    } else markers.problems.push(`${key}: "${value}" is not an ISO 8601 time with an offset`);
  };
  readExpiry(options.expiryAnnotation, annotations[options.expiryAnnotation]);
  readExpiry(KUBE_JIT_EXPIRY, annotations[KUBE_JIT_EXPIRY]);
  const grantIds: string[] = [];
  if (annotations[options.grantIdAnnotation]) grantIds.push(annotations[options.grantIdAnnotation]!);
  if (labels[TARBAC_REQUEST_ID]) {
    grantIds.push(labels[TARBAC_REQUEST_ID]);
    markers.sources.push(TARBAC_REQUEST_ID);
  }
  for (const owner of meta?.ownerReferences ?? []) {
    const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0]! : '';
    const jit = JIT_OWNER_GROUPS.get(group);
    if (!jit || !jit.kinds.includes(owner.kind)) continue;
    markers.sources.push(`ownerReference ${owner.kind}/${owner.name}`);
    // A cluster-scoped owner has no namespace; a namespaced one shares the binding's.
    const known = options.jitOwners?.get(ownerKey(group, owner.kind, meta?.namespace, owner.name)) ?? options.jitOwners?.get(ownerKey(group, owner.kind, undefined, owner.name));
    if (known?.expiresAt) expiries.push(known.expiresAt);
    grantIds.push(known?.grantId ?? `${owner.kind}/${owner.name}`);
  }
  if (!grantIds.length && labels[TARBAC_OWNER]) grantIds.push(`TemporaryRBAC/${labels[TARBAC_OWNER]}`);
  if (expiries.length) markers.expiresAt = expiries.sort()[0];
  if (grantIds.length) markers.grantId = grantIds[0];
  return markers;
};
