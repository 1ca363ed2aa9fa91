// Effective RBAC of one cluster: bindings resolved to roles (kind-aware, RoleBinding →
// ClusterRole in a namespace), aggregated ClusterRoles computed from their selectors,
// every subject of every binding, and the implicit groups. Pure.
import type { RbacV1Subject, V1ClusterRole, V1ClusterRoleBinding, V1LabelSelector, V1PolicyRule, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import type { Credential, Entitlement, Principal } from '../../src/model/index.ts';
import { classifyRules, type Classification } from './classify.ts';
import { bindingMarkers } from './markers.ts';
import type { ClusterSnapshot, Wire } from './types.ts';
import { tokenCredentials } from './tokens.ts';
import { markWorkloadPaths } from './workloads.ts';
import { appendAll, concatAll } from '../../src/model/collections.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const SYSTEM_MASTERS = 'system:masters';

export interface ResolveOptions {
  includeSystemSubjects: boolean;
  privilegedNamespaces: readonly string[];
  classifierDisabled: readonly string[];
  expiryAnnotation: string;
  grantIdAnnotation: string;
}

export interface Resolved {
  principals: Principal[];
  entitlements: Entitlement[];
  credentials: Credential[];
  /** Things worth knowing that are not failures (dangling bindings, unreadable markers). */
  notes: string[];
}

// Ids are kept by every entitlement and compared in every sort: joined into one flat string each.
export const userId = (cluster: string, name: string) => ['kubernetes:', cluster, '/User:', String(name)].join('');
export const groupId = (cluster: string, name: string) => ['kubernetes:', cluster, '/Group:', String(name)].join('');
export const serviceAccountId = (cluster: string, namespace: string, name: string) => ['kubernetes:', cluster, '/ServiceAccount:', String(namespace), '/', String(name)].join('');

const VIA_PREFIX = 'binding/';

const EMAIL = /^[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+$/;
const SA_USERNAME = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Groups every request carries implicitly: populations of identities, never control-plane components. */
export const isImplicitGroup = (name: string) =>
  name === SYSTEM_MASTERS ||
  name === 'system:authenticated' ||
  name === 'system:unauthenticated' ||
  name === 'system:serviceaccounts' ||
  name.startsWith('system:serviceaccounts:');

/** Label selector semantics of `aggregationRule.clusterRoleSelectors`. */
export const selectorMatches = (selector: V1LabelSelector, labels: Record<string, string>): boolean => {
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  // An empty selector (`{}`) selects every ClusterRole, as the aggregation controller reads it (LabelSelectorAsSelector).
  if (!matchLabels.length && !expressions.length) return true;
  if (!matchLabels.every(([key, value]) => labels[key] === value)) return false;
  return expressions.every((expression) => {
    const present = Object.hasOwn(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        return present && values.includes(labels[expression.key]!);
      case 'NotIn':
        return !present || !values.includes(labels[expression.key]!);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
};

/**
 * Effective rules of every ClusterRole: its own plus, with an aggregationRule, those of every
 * ClusterRole its selectors reach, directly or through other aggregated roles. That is where
 * the aggregation controller settles (it re-aggregates until nothing changes), cycles included,
 * whatever order the roles come in.
 */
export const aggregateClusterRoles = (clusterRoles: ReadonlyArray<Wire<V1ClusterRole>>): Map<string, V1PolicyRule[]> => {
  const byName = new Map(clusterRoles.map((role) => [role.metadata?.name ?? '', role]));
  const names = [...byName.keys()].sort();
  // Which roles each aggregated role selects, in name order (the controller's), never itself.
  const picks = new Map<string, string[]>();
  for (const [name, role] of byName) {
    const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
    if (selectors.length) picks.set(name, names.filter((other) => other !== name && selectors.some((selector) => selectorMatches(selector, byName.get(other)!.metadata?.labels ?? {}))));
  }
  const resolved = new Map<string, V1PolicyRule[]>();
  for (const [name, role] of byName) {
    const rules = [...(role.rules ?? [])];
    const direct = picks.get(name);
    if (direct) {
      const seen = new Set(rules.map((rule) => JSON.stringify(rule)));
      const reached = new Set([name]);
      const queue = [...direct];
      for (let index = 0; index < queue.length; index++) {
        const other = queue[index]!;
        if (reached.has(other)) continue;
        reached.add(other);
        for (const rule of byName.get(other)!.rules ?? []) {
          const key = JSON.stringify(rule);
          if (!seen.has(key)) {
            seen.add(key);
            rules.push(rule);
          }
        }
        appendAll(queue, picks.get(other) ?? []);
      }
    }
    resolved.set(name, rules);
  }
  return resolved;
};

type Binding = Wire<V1ClusterRoleBinding> | Wire<V1RoleBinding>;

interface BindingMeta {
  name?: string;
  namespace?: string | null;
  labels?: Record<string, string>;
}

/** Why a binding is the control plane's own (a `system:` name, or the bootstrap label); undefined when it is not. */
const controlPlaneBinding = (binding: BindingMeta): string | undefined =>
  binding.name?.startsWith('system:')
    ? `binding ${binding.name} is a system: binding`
    : binding.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults'
      ? `binding ${binding.name} is a bootstrap default`
      : undefined;

/** Why enforce must never touch this subject of this binding (undefined: it may). */
export const protectionReason = (binding: BindingMeta, subject: RbacV1Subject): string | undefined => {
  if (subject.name.startsWith('system:')) return `subject ${subject.name} is a system: identity`;
  const controlPlane = controlPlaneBinding(binding);
  if (controlPlane) return controlPlane;
  if (subject.kind === 'ServiceAccount' && (subject.namespace || binding.namespace) === 'kube-system') return 'kube-system service accounts run the control plane';
  return undefined;
};

// Timestamps repeat (second precision, shared creation times): formatting each once matters at thousands of bindings.
const isoCache = new Map<number | string, string>();
export const iso = (value: Date | string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const cached = isoCache.get(value instanceof Date ? value.getTime() : value);
  if (cached !== undefined) return cached;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  const text = new Date(ms).toISOString();
  if (isoCache.size > 50_000) isoCache.clear();
  isoCache.set(value instanceof Date ? ms : value, text);
  return text;
};

/** A two-level map: lookups by two short strings the API sent, without building a key string per lookup. */
class Map2<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  get(a: string, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }
  set(a: string, b: string, value: V): void {
    let inner = this.outer.get(a);
    if (!inner) this.outer.set(a, (inner = new Map()));
    inner.set(b, value);
  }
}

/** The role a binding grants, resolved once per role (and scope class) rather than per binding. */
interface Grant {
  privilege: string;
  /** The roleRef as entitlements state it, one object shared by every binding of this role. */
  roleRef: { kind: string; name: string };
  rules: V1PolicyRule[] | undefined;
  /** Classification by scope: cluster-wide, a privileged namespace, any other namespace (all classifyRules looks at). */
  byScope: [Classification?, Classification?, Classification?];
}

/** A principal and the entitlements found for it so far. */
interface Held {
  principal: Principal;
  /** Undefined until the first: most principals hold one or two, and an array made by push reserves room for 17. */
  entitlements: Entitlement[] | undefined;
}

const entitlementKey = (entitlement: Entitlement) => `${entitlement.principal}\u0000${entitlement.resource}\u0000${entitlement.privilege}\u0000${entitlement.via}`;

export const resolveCluster = (snapshot: ClusterSnapshot, options: ResolveOptions): Resolved => {
  const { cluster } = snapshot;
  const notes: string[] = [];
  // Each principal with its entitlements, in the order found: grouped as they are made, so the
  // final order needs no grouping pass.
  const principals = new Map<string, Held>();
  const clusterRuleSets = aggregateClusterRoles(snapshot.clusterRoles);
  const roles = new Map2<V1PolicyRule[]>();
  for (const role of snapshot.roles) roles.set(`${role.metadata?.namespace}`, `${role.metadata?.name}`, role.rules ?? []);
  const serviceAccounts = new Map2<Wire<V1ServiceAccount>>();
  for (const sa of snapshot.serviceAccounts) serviceAccounts.set(`${sa.metadata?.namespace}`, `${sa.metadata?.name}`, sa);
  const clusterGrants = new Map<string, Grant>();
  const roleGrants = new Map2<Grant>();
  const danglingSubjects = new Set<string>();
  // Control-plane service accounts whose (left out) access is privileged: their tokens are.
  const hiddenPrivileged = new Set<string>();
  // Principal ids by name: each id string is built once, however many bindings name it.
  const serviceAccountIds = new Map2<Held>();
  const userIds = new Map<string, Held>();
  const groupIds = new Map<string, Held>();
  const hold = (principal: Principal): Held => {
    let held = principals.get(principal.id);
    if (!held) principals.set(principal.id, (held = { principal, entitlements: undefined }));
    return held;
  };

  const addServiceAccount = (namespace: string, name: string) => {
    const known = serviceAccountIds.get(namespace, name);
    if (known !== undefined) return known;
    const id = serviceAccountId(cluster, namespace, name);
    let held = principals.get(id);
    if (!held) {
      const sa = serviceAccounts.get(namespace, name);
      held = hold({
        id,
        system: 'kubernetes',
        target: cluster,
        kind: 'service-account',
        human: false,
        name: `${namespace}/${name}`,
        ...(sa?.metadata?.creationTimestamp ? { createdAt: iso(sa.metadata.creationTimestamp) } : {}),
      });
      if (!sa && snapshot.serviceAccounts.length) danglingSubjects.add(`${namespace}/${name}`);
    }
    serviceAccountIds.set(namespace, name, held);
    return held;
  };
  const addUser = (name: string) => {
    const known = userIds.get(name);
    if (known !== undefined) return known;
    const id = userId(cluster, name);
    let held = principals.get(id);
    if (!held) {
      const email = EMAIL.test(name) ? name.toLowerCase() : undefined;
      held = hold({
        id,
        system: 'kubernetes',
        target: cluster,
        kind: 'user',
        human: email ? true : name.startsWith('system:') ? false : 'unknown',
        name,
        ...(email ? { email } : {}),
      });
    }
    userIds.set(name, held);
    return held;
  };
  const addGroup = (name: string) => {
    const known = groupIds.get(name);
    if (known !== undefined) return known;
    const id = groupId(cluster, name);
    const held = principals.get(id) ?? hold({ id, system: 'kubernetes', target: cluster, kind: 'group', human: 'unknown', name });
    groupIds.set(name, held);
    return held;
  };
  for (const sa of snapshot.serviceAccounts) addServiceAccount(sa.metadata?.namespace ?? '', sa.metadata?.name ?? '');

  // One entitlement per (principal, resource, privilege, via), the first one found. `via` names the
  // binding, so only a binding with several subjects (or group members) or a binding listed twice
  // can repeat one: only those check keys, in a set of their own.
  const bindingsSeen = new Set<string>(); // by via, which names the binding
  const addEntitlement = (held: Held, entitlement: Entitlement, seen: Set<string> | undefined) => {
    if (seen) {
      const key = entitlementKey(entitlement);
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (held.entitlements) held.entitlements.push(entitlement);
    else held.entitlements = [entitlement];
  };

  const grantOf = (binding: Binding, namespace: string | null, where: string): Grant | undefined => {
    const { roleRef } = binding;
    if (roleRef.apiGroup !== RBAC_GROUP) {
      notes.push(`${where}: roleRef apiGroup "${roleRef.apiGroup}" is not ${RBAC_GROUP}; it grants nothing`);
      return undefined;
    }
    let grant: Grant | undefined;
    if (roleRef.kind === 'ClusterRole') {
      grant = clusterGrants.get(roleRef.name);
      if (!grant) clusterGrants.set(roleRef.name, (grant = { privilege: `ClusterRole/${roleRef.name}`, roleRef: { kind: roleRef.kind, name: roleRef.name }, rules: clusterRuleSets.get(roleRef.name), byScope: [] }));
    } else if (roleRef.kind === 'Role' && namespace !== null) {
      grant = roleGrants.get(namespace, roleRef.name);
      if (!grant) roleGrants.set(namespace, roleRef.name, (grant = { privilege: `Role/${namespace}/${roleRef.name}`, roleRef: { kind: roleRef.kind, name: roleRef.name }, rules: roles.get(namespace, roleRef.name), byScope: [] }));
    } else {
      notes.push(`${where}: roleRef kind "${roleRef.kind}" cannot be bound here; it grants nothing`);
      return undefined;
    }
    if (!grant.rules) {
      notes.push(`${where} references missing ${grant.privilege}: it grants nothing until that role exists`);
      return undefined;
    }
    return grant;
  };

  const resolveBinding = (binding: Binding, kind: 'ClusterRoleBinding' | 'RoleBinding') => {
    const metadata = binding.metadata ?? {};
    const namespace = kind === 'ClusterRoleBinding' ? null : (metadata.namespace ?? '');
    const subjects = binding.subjects ?? [];
    const via = namespace === null ? `binding/ClusterRoleBinding/${metadata.name}` : `binding/RoleBinding/${namespace}/${metadata.name}`;
    // Slicing flattens via into one string (entitlements keep it, not a tree of its pieces).
    const where = via.slice(VIA_PREFIX.length);
    const grant = grantOf(binding, namespace, where);
    if (!grant) return;
    const scopeClass = namespace === null ? 0 : options.privilegedNamespaces.includes(namespace) ? 1 : 2;
    let classification = grant.byScope[scopeClass];
    if (!classification) {
      classification = classifyRules(grant.rules!, { namespace }, { privilegedNamespaces: options.privilegedNamespaces, disabled: options.classifierDisabled });
      grant.byScope[scopeClass] = classification;
    }
    const markers = bindingMarkers(metadata, {
      expiryAnnotation: options.expiryAnnotation,
      grantIdAnnotation: options.grantIdAnnotation,
      jitOwners: snapshot.jitOwners,
    });
    for (const problem of markers.problems) notes.push(`${where}: ${problem}`);
    // A binding listed twice (a hand-made export) checks against everything so far: the keys of
    // other bindings differ by via, so they never match.
    let seen: Set<string> | undefined = bindingsSeen.has(via) ? new Set([...principals.values()].flatMap((other) => (other.entitlements ?? []).map(entitlementKey))) : subjects.length > 1 ? new Set() : undefined;
    bindingsSeen.add(via);
    // Objects kept by entitlements are built whole, each in one literal (no properties added later,
    // which would give each its own extra property store).
    const bindingRef: Record<string, unknown> =
      namespace === null
        ? { kind, name: metadata.name, uid: metadata.uid, resourceVersion: metadata.resourceVersion }
        : { kind, namespace, name: metadata.name, uid: metadata.uid, resourceVersion: metadata.resourceVersion };
    const roleRefRef = grant.roleRef;
    const grantedAt = subjects.length === 1 && metadata.creationTimestamp ? iso(metadata.creationTimestamp) : undefined;
    const { privilege } = grant;
    const resource = namespace ?? '*';
    const { level, privileged, risks } = classification;
    const entitlement = (principal: string, entitlementVia: string, ref: Record<string, unknown>): Entitlement => {
      if (!markers.expiresAt && !markers.grantId)
        return grantedAt === undefined
          ? { system: 'kubernetes', target: cluster, resource, privilege, level, privileged, principal, via: entitlementVia, ref }
          : { system: 'kubernetes', target: cluster, resource, privilege, level, privileged, grantedAt, principal, via: entitlementVia, ref };
      const made: Entitlement = { system: 'kubernetes', target: cluster, resource, privilege, level, privileged } as Entitlement;
      if (grantedAt !== undefined) made.grantedAt = grantedAt;
      if (markers.expiresAt) made.expiresAt = markers.expiresAt;
      if (markers.grantId) made.grantId = markers.grantId;
      made.principal = principal;
      made.via = entitlementVia;
      made.ref = ref;
      return made;
    };
    const grantTo = (held: Held, entitlementVia: string, ref: Record<string, unknown>, seen: Set<string> | undefined) =>
      addEntitlement(held, entitlement(held.principal.id, entitlementVia, ref), seen);
    const bindingInfo = { name: metadata.name, namespace, labels: metadata.labels };
    // The control plane's own bindings name control-plane identities (system: users and groups,
    // kube-system service accounts): left out unless asked for. Any other binding to them is shown.
    const systemBinding = controlPlaneBinding(metadata) !== undefined;
    for (const subject of subjects) {
      const protection = protectionReason(bindingInfo, subject);
      const { kind: subjectKind, name: subjectName, namespace: subjectNamespace, apiGroup } = subject;
      const subjectRef: Record<string, unknown> = subjectNamespace
        ? apiGroup
          ? { kind: subjectKind, name: subjectName, namespace: subjectNamespace, apiGroup }
          : { kind: subjectKind, name: subjectName, namespace: subjectNamespace }
        : apiGroup
          ? { kind: subjectKind, name: subjectName, apiGroup }
          : { kind: subjectKind, name: subjectName };
      const ref: Record<string, unknown> = protection
        ? { cluster, binding: bindingRef, subject: subjectRef, roleRef: roleRefRef, risks, protected: protection }
        : { cluster, binding: bindingRef, subject: subjectRef, roleRef: roleRefRef, risks };
      if (subject.kind === 'ServiceAccount') {
        // In a RoleBinding an empty subject namespace means the binding's own.
        const saNamespace = subject.namespace || namespace;
        if (!saNamespace) {
          notes.push(`${where}: ServiceAccount subject ${subject.name} has no namespace; skipped`);
          continue;
        }
        if (!options.includeSystemSubjects && saNamespace === 'kube-system' && systemBinding) {
          // Left out as a control-plane detail, but a legacy token of this account carries the access.
          if (classification.privileged) hiddenPrivileged.add(serviceAccountId(cluster, saNamespace, subject.name));
          continue;
        }
        grantTo(addServiceAccount(saNamespace, subject.name), via, ref, seen);
      } else if (subject.kind === 'User') {
        const sa = subject.name.startsWith('system:serviceaccount:') ? SA_USERNAME.exec(subject.name) : null;
        if (sa) {
          grantTo(addServiceAccount(sa[1]!, sa[2]!), via, ref, seen);
          continue;
        }
        // system:anonymous is everyone without credentials: never a control-plane detail.
        if (!options.includeSystemSubjects && systemBinding && subject.name.startsWith('system:') && subject.name !== 'system:anonymous') continue;
        grantTo(addUser(subject.name), via, ref, seen);
      } else if (subject.kind === 'Group') {
        if (!options.includeSystemSubjects && systemBinding && subject.name.startsWith('system:') && !isImplicitGroup(subject.name)) continue;
        grantTo(addGroup(subject.name), via, ref, seen);
        // Service accounts are known members of system:serviceaccounts[:<ns>] and of
        // system:authenticated: each holds the access too. Listed per member when it is privileged
        // (or asked for): every cluster binds discovery roles to all of them.
        const allAccounts = subject.name === 'system:serviceaccounts' || subject.name === 'system:authenticated';
        const memberGroup = allAccounts || subject.name.startsWith('system:serviceaccounts:');
        if (memberGroup && (classification.privileged || options.includeSystemSubjects)) {
          const groupNamespace = allAccounts ? null : subject.name.slice('system:serviceaccounts:'.length);
          const memberVia = `group/${subject.name}/${via}`;
          const memberRef = { ...ref, protected: `held through the implicit group ${subject.name}; remove the group subject instead` };
          seen ??= new Set();
          for (const sa of snapshot.serviceAccounts) {
            if (groupNamespace !== null && sa.metadata?.namespace !== groupNamespace) continue;
            grantTo(addServiceAccount(sa.metadata?.namespace ?? '', sa.metadata?.name ?? ''), memberVia, memberRef, seen);
          }
        }
      } else {
        notes.push(`${where}: subject kind "${subject.kind}" is not User, Group or ServiceAccount; skipped`);
      }
    }
  };
  for (const binding of snapshot.clusterRoleBindings) resolveBinding(binding, 'ClusterRoleBinding');
  for (const binding of snapshot.roleBindings) resolveBinding(binding, 'RoleBinding');

  // system:masters bypasses the authorizer entirely: its members are cluster-admin with or without
  // a binding. Stated once: the bootstrap cluster-admin binding, when present and intact, says it already.
  const masters = addGroup(SYSTEM_MASTERS);
  const mastersId = masters.principal.id;
  const mastersBound = !!masters.entitlements?.some((entitlement) => entitlement.level === 'admin' && entitlement.resource === '*');
  if (!mastersBound) {
    addEntitlement(
      masters,
      {
        principal: mastersId,
        system: 'kubernetes',
        target: cluster,
        resource: '*',
        privilege: 'ClusterRole/cluster-admin',
        level: 'admin',
        privileged: true,
        via: 'implicit/system:masters',
        ref: { cluster, protected: 'system:masters is built into the API server authorizer (no binding to remove)', risks: ['cluster-admin'] },
      },
      undefined,
    );
  }
  const everyHeld = [...principals.values()];
  appendAll(notes, markWorkloadPaths(everyHeld, options.classifierDisabled));
  if (danglingSubjects.size)
    notes.push(`${danglingSubjects.size} binding subject(s) name service accounts that do not exist (whoever creates them inherits the access): ${[...danglingSubjects].sort().slice(0, 10).join(', ')}`);

  // The order of compareEntitlements within one cluster (one target), without comparing principal
  // ids pairwise: each principal's entitlements in the principals' (sorted) order, each group sorted
  // by the remaining fields.
  const held = everyHeld.sort((a, b) => comparePrincipalsOfOneCluster(a.principal, b.principal));
  const principalList: Principal[] = [];
  const groups: Entitlement[][] = [];
  const privilegedPrincipals = new Set<string>(hiddenPrivileged);
  for (const { principal, entitlements: group } of held) {
    principalList.push(principal);
    if (!group) continue;
    if (group.length > 1) group.sort(compareEntitlements);
    groups.push(group);
    if (group.some((entitlement) => entitlement.privileged)) privilegedPrincipals.add(principal.id);
  }
  const entitlementList = concatAll(groups);
  const tokens = tokenCredentials(snapshot, privilegedPrincipals, (namespace, name) => serviceAccounts.get(namespace, name));
  appendAll(notes, tokens.notes);
  notes.unshift(
    `read ${snapshot.clusterRoles.length} ClusterRoles, ${snapshot.roles.length} Roles, ${snapshot.clusterRoleBindings.length} ClusterRoleBindings, ${snapshot.roleBindings.length} RoleBindings, ` +
      `${snapshot.serviceAccounts.length} ServiceAccounts${snapshot.namespaces ? `, ${snapshot.namespaces.length} Namespaces` : ''}${snapshot.tokenSecrets ? `, ${snapshot.tokenSecrets.length} token Secrets` : ''}`,
  );
  return {
    principals: principalList,
    entitlements: entitlementList,
    credentials: tokens.credentials,
    notes,
  };
};

const KIND_ORDER: Readonly<Record<string, number>> = { group: 0, 'service-account': 1, user: 2 };

/**
 * Id order for the principals of one cluster: every id is `kubernetes:<cluster>/` then `Group:`,
 * `ServiceAccount:` or `User:` (first letters G < S < U) then the principal's name, so kind then
 * name orders them as their ids, without walking the shared prefix in every comparison.
 */
const comparePrincipalsOfOneCluster = (a: Principal, b: Principal) => KIND_ORDER[a.kind]! - KIND_ORDER[b.kind]! || compare(a.name, b.name);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const compareEntitlements = (a: Entitlement, b: Entitlement) =>
  compare(a.principal, b.principal) || compare(a.target, b.target) || compare(a.resource, b.resource) || compare(a.privilege, b.privilege) || compare(a.via, b.via);
