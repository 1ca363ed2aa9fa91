// Legacy service-account token secrets as credentials: age, last use (the API server's
// legacy-token tracking labels), invalidation, who references and mounts them. Metadata only. Pure.
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { Credential } from '../../src/model/index.ts';
import { iso } from './rbac.ts';
import { INVALID_SINCE_LABEL, LAST_USED_LABEL, SA_NAME_ANNOTATION, SA_UID_ANNOTATION, type ClusterSnapshot, type Wire } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Days repeat across thousands of tokens: each read once.
const dayCache = new Map<string, string | undefined>();
const dayToIso = (day: string | undefined) => {
  if (!day) return undefined;
  if (dayCache.has(day)) return dayCache.get(day);
  const text = DAY.test(day) ? new Date(`${day}T00:00:00Z`).toISOString() : undefined;
  if (dayCache.size > 10_000) dayCache.clear();
  dayCache.set(day, text);
  return text;
};

export const secretId = (cluster: string, namespace: string, name: string) => `kubernetes:${cluster}/Secret:${namespace}/${name}`;

/** The token secrets as credentials; `serviceAccount` finds a service account by namespace and name (resolveCluster's index). */
export const tokenCredentials = (
  snapshot: ClusterSnapshot,
  privilegedPrincipals: ReadonlySet<string>,
  serviceAccount: (namespace: string, name: string) => Wire<V1ServiceAccount> | undefined,
): { credentials: Credential[]; notes: string[] } => {
  const { cluster } = snapshot;
  const notes: string[] = [];
  if (!snapshot.tokenSecrets) return { credentials: [], notes };
  const referenced = new Set<string>();
  for (const sa of snapshot.serviceAccounts) {
    if (!sa.secrets?.length) continue;
    const namespace = sa.metadata?.namespace ?? '';
    for (const secret of sa.secrets) if (secret.name) referenced.add(`${namespace}/${secret.name}`);
  }
  const mounts = new Map<string, number>();
  for (const pod of snapshot.pods ?? []) {
    const namespace = pod.metadata?.namespace ?? '';
    const names = new Set<string>();
    for (const volume of pod.spec?.volumes ?? []) {
      if (volume.secret?.secretName) names.add(volume.secret.secretName);
      for (const source of volume.projected?.sources ?? []) if (source.secret?.name) names.add(source.secret.name);
    }
    for (const name of names) mounts.set(`${namespace}/${name}`, (mounts.get(`${namespace}/${name}`) ?? 0) + 1);
  }
  const trackingSince = dayToIso(snapshot.tokenTrackingSince);
  const orphans: string[] = [];
  const credentials = snapshot.tokenSecrets.map((secret): Credential => {
    const meta = secret.metadata ?? {};
    const namespace = meta.namespace ?? '';
    const name = meta.name ?? '';
    const key = `${namespace}/${name}`;
    const saName = meta.annotations?.[SA_NAME_ANNOTATION] ?? '';
    const principal = `kubernetes:${cluster}/ServiceAccount:${namespace}/${saName}`;
    const createdAt = iso(meta.creationTimestamp ?? new Date(0))!;
    const lastUsed = dayToIso(meta.labels?.[LAST_USED_LABEL]);
    // Absent label: never used since tracking began, if the token is younger than the tracking.
    const lastUsedAt = lastUsed ?? (trackingSince && createdAt >= trackingSince ? null : undefined);
    const invalidSince = dayToIso(meta.labels?.[INVALID_SINCE_LABEL]);
    const sa = serviceAccount(namespace, saName);
    const saKnown = sa !== undefined;
    const saUid = sa?.metadata?.uid;
    const stale = snapshot.serviceAccounts.length > 0 && (!saKnown || (meta.annotations?.[SA_UID_ANNOTATION] !== undefined && saUid !== undefined && meta.annotations[SA_UID_ANNOTATION] !== saUid));
    if (stale) orphans.push(key);
    return {
      id: secretId(cluster, namespace, name),
      system: 'kubernetes',
      target: cluster,
      kind: 'service-account-token',
      principal,
      name: key,
      createdAt,
      ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
      status: invalidSince || stale ? 'inactive' : 'active',
      privileged: privilegedPrincipals.has(principal),
      ref: {
        cluster,
        namespace,
        name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        serviceAccount: saName,
        referencedByServiceAccount: referenced.has(key),
        ...(snapshot.pods ? { mountedByPods: mounts.get(key) ?? 0 } : {}),
        ...(invalidSince ? { invalidSince } : {}),
      },
    };
  });
  if (orphans.length) notes.push(`${orphans.length} token secret(s) belong to a service account that no longer exists: ${orphans.sort().slice(0, 10).join(', ')}`);
  credentials.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { credentials, notes };
};
