// Creating pods in a namespace runs them as any service account of that namespace. Where one
// of them holds privileged access beyond its own namespace, creating workloads there is a way
// to that access, whatever the namespace is called. Pure over what resolveCluster has made.
import type { Entitlement, Principal } from '../../src/model/index.ts';

export interface HeldEntitlements {
  principal: Principal;
  entitlements: Entitlement[] | undefined;
}

const CREATE_WORKLOADS = 'create-workloads';

const namespaceOf = (principal: Principal) => (principal.kind === 'service-account' ? principal.name.slice(0, principal.name.indexOf('/')) : undefined);

/**
 * Marks privileged every create-workloads entitlement in a namespace where some service account
 * holds privileged access beyond that namespace, and records which account in `ref.workloadsRunAs`.
 * Followed to the end: a service account that gains such an entitlement makes its own namespace
 * one of these in turn. Returns a note naming the namespaces (none when nothing qualifies, or
 * when the create-workloads check is among the `disabled` classifier ids).
 */
export const markWorkloadPaths = (held: readonly HeldEntitlements[], disabled: readonly string[]): string[] => {
  if (disabled.includes(CREATE_WORKLOADS)) return [];
  // Namespace → the first service account there (in the given order) with privileged access beyond it.
  const through = new Map<string, string>();
  const consider = ({ principal, entitlements }: HeldEntitlements) => {
    const namespace = namespaceOf(principal);
    if (namespace === undefined || through.has(namespace)) return false;
    if (!entitlements?.some((entitlement) => entitlement.privileged && entitlement.resource !== namespace)) return false;
    through.set(namespace, principal.name);
    return true;
  };
  for (const entry of held) consider(entry);
  // Passes over everything until no namespace is added: one pass unless a chain adds one.
  let grew = through.size > 0;
  while (grew) {
    grew = false;
    for (const entry of held) {
      for (const entitlement of entry.entitlements ?? []) {
        if (entitlement.privileged) continue;
        const account = through.get(entitlement.resource);
        if (account === undefined || !(entitlement.ref?.risks as string[] | undefined)?.includes(CREATE_WORKLOADS)) continue;
        entitlement.privileged = true;
        entitlement.ref = { ...entitlement.ref, workloadsRunAs: account };
        if (consider(entry)) grew = true;
      }
    }
  }
  if (!through.size) return [];
  const named = [...through].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([namespace, account]) => `${namespace} (${account})`);
  return [
    `creating workloads is privileged in ${through.size} namespace(s) whose service accounts hold privileged access beyond them: ${named.slice(0, 10).join(', ')}${named.length > 10 ? ', …' : ''}`,
  ];
};
