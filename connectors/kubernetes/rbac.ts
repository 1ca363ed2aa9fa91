// Effective RBAC of one cluster: bindings resolved to roles (kind-aware, RoleBinding →
// ClusterRole in a namespace), aggregated ClusterRoles computed from their selectors,
// every subject of every binding, and the implicit groups. Pure.
import type { RbacV1Subject, V1ClusterRole, V1LabelSelector, V1ObjectMeta, V1PolicyRule, V1RoleRef } from '@kubernetes/client-node';
import type { Credential, Entitlement, Principal } from '../../src/model/index.ts';
import { classifyRules, type Classification, type Scope } from './classify.ts';
import { bindingMarkers } from './markers.ts';
import type { ClusterSnapshot, Wire } from './types.ts';
import { tokenCredentials } from './tokens.ts';

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

export const userId = (cluster: string, name: string) => `kubernetes:${cluster}/User:${name}`;
export const groupId = (cluster: string, name: string) => `kubernetes:${cluster}/Group:${name}`;
export const serviceAccountId = (cluster: string, namespace: string, name: string) => `kubernetes:${cluster}/ServiceAccount:${namespace}/${name}`;

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
  if (!matchLabels.length && !expressions.length) return false; // an empty aggregation selector selects nothing
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

/** Effective rules of every ClusterRole: its own plus, with an aggregationRule, those of every ClusterRole its selectors pick (transitively). */
export const aggregateClusterRoles = (clusterRoles: ReadonlyArray<Wire<V1ClusterRole>>): Map<string, V1PolicyRule[]> => {
  const byName = new Map(clusterRoles.map((role) => [role.metadata?.name ?? '', role]));
  const resolved = new Map<string, V1PolicyRule[]>();
  const resolve = (role: Wire<V1ClusterRole>, visiting: Set<string>): V1PolicyRule[] => {
    const name = role.metadata?.name ?? '';
    const done = resolved.get(name);
    if (done) return done;
    const rules = [...(role.rules ?? [])];
    const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
    if (selectors.length && !visiting.has(name)) {
      visiting.add(name);
      const seen = new Set(rules.map((rule) => JSON.stringify(rule)));
      for (const other of byName.values()) {
        const otherName = other.metadata?.name ?? '';
        if (otherName === name || visiting.has(otherName)) continue;
        if (!selectors.some((selector) => selectorMatches(selector, other.metadata?.labels ?? {}))) continue;
        for (const rule of resolve(other, visiting)) {
          const key = JSON.stringify(rule);
          if (!seen.has(key)) {
            seen.add(key);
            rules.push(rule);
          }
        }
      }
      visiting.delete(name);
    }
    resolved.set(name, rules);
    return rules;
  };
  for (const role of clusterRoles) resolve(role, new Set());
  return resolved;
};

interface BindingView {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  metadata: Wire<V1ObjectMeta>;
  namespace: string | null;
  roleRef: V1RoleRef;
  subjects: RbacV1Subject[];
}

const bindingName = (binding: BindingView) =>
  binding.namespace === null ? `ClusterRoleBinding/${binding.metadata.name}` : `RoleBinding/${binding.namespace}/${binding.metadata.name}`;

/** Why enforce must never touch this subject of this binding (undefined: it may). */
export const protectionReason = (binding: { name?: string; namespace?: string | null; labels?: Record<string, string> }, subject: RbacV1Subject): string | undefined => {
  if (subject.name.startsWith('system:')) return `subject ${subject.name} is a system: identity`;
  if (binding.name?.startsWith('system:')) return `binding ${binding.name} is a system: binding`;
  if (binding.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults') return `binding ${binding.name} is a bootstrap default`;
  if (subject.kind === 'ServiceAccount' && (subject.namespace || binding.namespace) === 'kube-system') return 'kube-system service accounts run the control plane';
  return undefined;
};

// Timestamps repeat (second precision, shared creation times): formatting each once matters at thousands of bindings.
const isoCache = new Map<number, string>();
export const iso = (value: Date | string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(ms, text);
  }
  return text;
};

export const resolveCluster = (snapshot: ClusterSnapshot, options: ResolveOptions): Resolved => {
  const { cluster } = snapshot;
  const notes: string[] = [];
  const principals = new Map<string, Principal>();
  const entitlements = new Map<string, Entitlement>();
  const clusterRuleSets = aggregateClusterRoles(snapshot.clusterRoles);
  const roles = new Map(snapshot.roles.map((role) => [`${role.metadata?.namespace}/${role.metadata?.name}`, role.rules ?? []]));
  const serviceAccounts = new Map(snapshot.serviceAccounts.map((sa) => [`${sa.metadata?.namespace}/${sa.metadata?.name}`, sa]));
  const classifications = new Map<string, Classification>();
  const danglingSubjects = new Set<string>();

  const addServiceAccount = (namespace: string, name: string) => {
    const id = serviceAccountId(cluster, namespace, name);
    if (!principals.has(id)) {
      const sa = serviceAccounts.get(`${namespace}/${name}`);
      principals.set(id, {
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
    return id;
  };
  const addUser = (name: string) => {
    const id = userId(cluster, name);
    if (!principals.has(id)) {
      const email = EMAIL.test(name) ? name.toLowerCase() : undefined;
      principals.set(id, {
        id,
        system: 'kubernetes',
        target: cluster,
        kind: 'user',
        human: email ? true : name.startsWith('system:') ? false : 'unknown',
        name,
        ...(email ? { email } : {}),
      });
    }
    return id;
  };
  const addGroup = (name: string) => {
    const id = groupId(cluster, name);
    if (!principals.has(id)) principals.set(id, { id, system: 'kubernetes', target: cluster, kind: 'group', human: 'unknown', name });
    return id;
  };
  for (const sa of snapshot.serviceAccounts) addServiceAccount(sa.metadata?.namespace ?? '', sa.metadata?.name ?? '');

  const addEntitlement = (entitlement: Entitlement) => {
    const key = `${entitlement.principal}\u0000${entitlement.resource}\u0000${entitlement.privilege}\u0000${entitlement.via}`;
    if (!entitlements.has(key)) entitlements.set(key, entitlement);
  };

  const bindings: BindingView[] = [
    ...snapshot.clusterRoleBindings.map((binding): BindingView => ({
      kind: 'ClusterRoleBinding',
      metadata: binding.metadata ?? {},
      namespace: null,
      roleRef: binding.roleRef,
      subjects: binding.subjects ?? [],
    })),
    ...snapshot.roleBindings.map((binding): BindingView => ({
      kind: 'RoleBinding',
      metadata: binding.metadata ?? {},
      namespace: binding.metadata?.namespace ?? '',
      roleRef: binding.roleRef,
      subjects: binding.subjects ?? [],
    })),
  ];

  for (const binding of bindings) {
    const where = bindingName(binding);
    const { roleRef } = binding;
    if (roleRef.apiGroup !== RBAC_GROUP) {
      notes.push(`${where}: roleRef apiGroup "${roleRef.apiGroup}" is not ${RBAC_GROUP}; it grants nothing`);
      continue;
    }
    let rules: V1PolicyRule[] | undefined;
    let privilege: string;
    if (roleRef.kind === 'ClusterRole') {
      rules = clusterRuleSets.get(roleRef.name);
      privilege = `ClusterRole/${roleRef.name}`;
    } else if (roleRef.kind === 'Role' && binding.namespace !== null) {
      rules = roles.get(`${binding.namespace}/${roleRef.name}`);
      privilege = `Role/${binding.namespace}/${roleRef.name}`;
    } else {
      notes.push(`${where}: roleRef kind "${roleRef.kind}" cannot be bound here; it grants nothing`);
      continue;
    }
    if (!rules) {
      notes.push(`${where} references missing ${privilege}: it grants nothing until that role exists`);
      continue;
    }
    const scope: Scope = { namespace: binding.namespace };
    const classKey = `${privilege}\u0000${binding.namespace ?? '*'}`;
    let classification = classifications.get(classKey);
    if (!classification) {
      classification = classifyRules(rules, scope, { privilegedNamespaces: options.privilegedNamespaces, disabled: options.classifierDisabled });
      classifications.set(classKey, classification);
    }
    const markers = bindingMarkers(binding.metadata, {
      expiryAnnotation: options.expiryAnnotation,
      grantIdAnnotation: options.grantIdAnnotation,
      jitOwners: snapshot.jitOwners,
    });
    for (const problem of markers.problems) notes.push(`${where}: ${problem}`);
    const via = `binding/${where}`;
    const bindingRef = {
      kind: binding.kind,
      ...(binding.namespace === null ? {} : { namespace: binding.namespace }),
      name: binding.metadata.name,
      uid: binding.metadata.uid,
      resourceVersion: binding.metadata.resourceVersion,
    };
    const base = {
      system: 'kubernetes' as const,
      target: cluster,
      resource: binding.namespace ?? '*',
      privilege,
      level: classification.level,
      privileged: classification.privileged,
      ...(binding.subjects.length === 1 && binding.metadata.creationTimestamp ? { grantedAt: iso(binding.metadata.creationTimestamp) } : {}),
      ...(markers.expiresAt ? { expiresAt: markers.expiresAt } : {}),
      ...(markers.grantId ? { grantId: markers.grantId } : {}),
    };
    for (const subject of binding.subjects) {
      const protection = protectionReason({ name: binding.metadata.name, namespace: binding.namespace, labels: binding.metadata.labels }, subject);
      const ref = {
        cluster,
        binding: bindingRef,
        subject: { kind: subject.kind, name: subject.name, ...(subject.namespace ? { namespace: subject.namespace } : {}), ...(subject.apiGroup ? { apiGroup: subject.apiGroup } : {}) },
        roleRef: { kind: roleRef.kind, name: roleRef.name },
        risks: classification.risks,
        ...(protection ? { protected: protection } : {}),
      };
      if (subject.kind === 'ServiceAccount') {
        // In a RoleBinding an empty subject namespace means the binding's own.
        const namespace = subject.namespace || binding.namespace;
        if (!namespace) {
          notes.push(`${where}: ServiceAccount subject ${subject.name} has no namespace; skipped`);
          continue;
        }
        if (!options.includeSystemSubjects && namespace === 'kube-system' && binding.metadata.name?.startsWith('system:')) continue;
        addEntitlement({ ...base, principal: addServiceAccount(namespace, subject.name), via, ref });
      } else if (subject.kind === 'User') {
        const sa = SA_USERNAME.exec(subject.name);
        if (sa) {
          addEntitlement({ ...base, principal: addServiceAccount(sa[1]!, sa[2]!), via, ref });
          continue;
        }
        // system:anonymous is everyone without credentials: never a control-plane detail.
        if (!options.includeSystemSubjects && subject.name.startsWith('system:') && subject.name !== 'system:anonymous') continue;
        addEntitlement({ ...base, principal: addUser(subject.name), via, ref });
      } else if (subject.kind === 'Group') {
        if (!options.includeSystemSubjects && subject.name.startsWith('system:') && !isImplicitGroup(subject.name)) continue;
        addEntitlement({ ...base, principal: addGroup(subject.name), via, ref });
        // Members of the service-account groups are known: each holds the access too. Listed per
        // member when it is privileged (or asked for): every cluster binds discovery roles to all of them.
        const memberGroup = subject.name === 'system:serviceaccounts' || subject.name.startsWith('system:serviceaccounts:');
        if (memberGroup && (classification.privileged || options.includeSystemSubjects)) {
          const namespace = subject.name === 'system:serviceaccounts' ? null : subject.name.slice('system:serviceaccounts:'.length);
          for (const sa of snapshot.serviceAccounts) {
            if (namespace !== null && sa.metadata?.namespace !== namespace) continue;
            addEntitlement({
              ...base,
              principal: addServiceAccount(sa.metadata?.namespace ?? '', sa.metadata?.name ?? ''),
              via: `group/${subject.name}/${via}`,
              ref: { ...ref, protected: `held through the implicit group ${subject.name}; remove the group subject instead` },
            });
          }
        }
      } else {
        notes.push(`${where}: subject kind "${subject.kind}" is not User, Group or ServiceAccount; skipped`);
      }
    }
  }
  // system:masters bypasses the authorizer entirely: its members are cluster-admin with or without
  // a binding. Stated once: the bootstrap cluster-admin binding, when present and intact, says it already.
  const mastersId = addGroup(SYSTEM_MASTERS);
  const mastersBound = [...entitlements.values()].some(
    (entitlement) => entitlement.principal === mastersId && entitlement.level === 'admin' && entitlement.resource === '*',
  );
  if (!mastersBound) {
    addEntitlement({
      principal: mastersId,
      system: 'kubernetes',
      target: cluster,
      resource: '*',
      privilege: 'ClusterRole/cluster-admin',
      level: 'admin',
      privileged: true,
      via: 'implicit/system:masters',
      ref: { cluster, protected: 'system:masters is built into the API server authorizer (no binding to remove)', risks: ['cluster-admin'] },
    });
  }
  if (danglingSubjects.size)
    notes.push(`${danglingSubjects.size} binding subject(s) name service accounts that do not exist (whoever creates them inherits the access): ${[...danglingSubjects].sort().slice(0, 10).join(', ')}`);

  const entitlementList = [...entitlements.values()].sort(compareEntitlements);
  const privilegedPrincipals = new Set(entitlementList.filter((entitlement) => entitlement.privileged).map((entitlement) => entitlement.principal));
  const tokens = tokenCredentials(snapshot, privilegedPrincipals);
  notes.push(...tokens.notes);
  notes.unshift(
    `read ${snapshot.clusterRoles.length} ClusterRoles, ${snapshot.roles.length} Roles, ${snapshot.clusterRoleBindings.length} ClusterRoleBindings, ${snapshot.roleBindings.length} RoleBindings, ` +
      `${snapshot.serviceAccounts.length} ServiceAccounts${snapshot.namespaces ? `, ${snapshot.namespaces.length} Namespaces` : ''}${snapshot.tokenSecrets ? `, ${snapshot.tokenSecrets.length} token Secrets` : ''}`,
  );
  return {
    principals: [...principals.values()].sort((a, b) => compare(a.id, b.id)),
    entitlements: entitlementList,
    credentials: tokens.credentials,
    notes,
  };
};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const compareEntitlements = (a: Entitlement, b: Entitlement) =>
  compare(a.principal, b.principal) || compare(a.target, b.target) || compare(a.resource, b.resource) || compare(a.privilege, b.privilege) || compare(a.via, b.via);
