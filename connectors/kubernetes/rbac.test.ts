import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Entitlement } from '../../src/model/index.ts';
import { readExport, toModel } from './export.ts';
import { aggregateClusterRoles, resolveCluster, type ResolveOptions } from './rbac.ts';
import type { ClusterSnapshot } from './types.ts';

const options: ResolveOptions = {
  includeSystemSubjects: false,
  privilegedNamespaces: ['kube-system', 'kube-public', 'kube-node-lease', 'default'],
  classifierDisabled: [],
  expiryAnnotation: 'dutybound.io/expires-at',
  grantIdAnnotation: 'dutybound.io/grant-id',
};

const RBAC = 'rbac.authorization.k8s.io';
type Obj = Record<string, unknown>;
const clusterRole = (name: string, rules: Obj[], extra: Obj = {}) => ({ metadata: { name, ...(extra.metadata as Obj) }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) });
const role = (namespace: string, name: string, rules: Obj[]) => ({ metadata: { name, namespace }, rules });
const crb = (name: string, roleName: string, subjects: Obj[], metadata: Obj = {}) => ({ metadata: { name, ...metadata }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName }, subjects });
const rb = (namespace: string, name: string, kind: string, roleName: string, subjects: Obj[], metadata: Obj = {}) => ({
  metadata: { name, namespace, ...metadata },
  roleRef: { apiGroup: RBAC, kind, name: roleName },
  subjects,
});
const sa = (namespace: string, name: string) => ({ metadata: { name, namespace, uid: `uid-${namespace}-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' } });

const snapshot = (parts: { clusterRoles?: Obj[]; clusterRoleBindings?: Obj[]; roles?: Obj[]; roleBindings?: Obj[]; serviceAccounts?: Obj[] }): ClusterSnapshot => ({
  cluster: 'prod',
  clusterRoles: (parts.clusterRoles ?? []).map((item) => toModel('ClusterRole', item)),
  clusterRoleBindings: (parts.clusterRoleBindings ?? []).map((item) => toModel('ClusterRoleBinding', item)),
  roles: (parts.roles ?? []).map((item) => toModel('Role', item)),
  roleBindings: (parts.roleBindings ?? []).map((item) => toModel('RoleBinding', item)),
  serviceAccounts: (parts.serviceAccounts ?? []).map((item) => toModel('ServiceAccount', item)),
});

const of = (entitlements: Entitlement[], principal: string) => entitlements.filter((entitlement) => entitlement.principal === `kubernetes:prod/${principal}`);

const SECRETS_READ = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] };
const CONFIGMAPS_READ = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
const ALL = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };

describe('effective RBAC: the gaps other tools leave', () => {
  it('system:masters is cluster-admin even with no binding at all', () => {
    const { entitlements, principals } = resolveCluster(snapshot({}), options);
    const masters = of(entitlements, 'Group:system:masters');
    expect(masters).toHaveLength(1);
    expect(masters[0]).toMatchObject({ privilege: 'ClusterRole/cluster-admin', level: 'admin', privileged: true, resource: '*', via: 'implicit/system:masters' });
    expect(masters[0]!.ref?.protected).toMatch(/authorizer/);
    expect(principals.find((p) => p.id === 'kubernetes:prod/Group:system:masters')).toMatchObject({ kind: 'group', human: 'unknown' });
    // With the bootstrap binding intact the access is stated once, by the binding; a weakened cluster-admin role does not hide the bypass.
    const bootstrap = { clusterRoleBindings: [crb('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters', apiGroup: RBAC }])] };
    expect(of(resolveCluster(snapshot({ ...bootstrap, clusterRoles: [clusterRole('cluster-admin', [ALL])] }), options).entitlements, 'Group:system:masters').map((e) => e.via)).toEqual([
      'binding/ClusterRoleBinding/cluster-admin',
    ]);
    expect(of(resolveCluster(snapshot({ ...bootstrap, clusterRoles: [clusterRole('cluster-admin', [CONFIGMAPS_READ])] }), options).entitlements, 'Group:system:masters').map((e) => e.via)).toEqual([
      'binding/ClusterRoleBinding/cluster-admin',
      'implicit/system:masters',
    ]);
  });

  it('a RoleBinding to a ClusterRole grants that ClusterRole in the binding namespace only', () => {
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('secret-reader', [SECRETS_READ])],
        roleBindings: [rb('team-a', 'read-secrets', 'ClusterRole', 'secret-reader', [{ kind: 'User', name: 'Alice@Example.com', apiGroup: RBAC }])],
      }),
      options,
    );
    expect(of(entitlements, 'User:Alice@Example.com')).toEqual([
      expect.objectContaining({ privilege: 'ClusterRole/secret-reader', resource: 'team-a', privileged: true, level: 'read', via: 'binding/RoleBinding/team-a/read-secrets' }),
    ]);
    expect(of(entitlements, 'User:Alice@Example.com')[0]!.ref?.risks).toEqual(['secrets-read']);
  });

  it('matches roleRef by kind, not by name: a Role "admin" is not the ClusterRole admin, and ClusterRole "view" is not a Role "view"', () => {
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('admin', [ALL]), clusterRole('view', [CONFIGMAPS_READ])],
        roles: [role('team-a', 'admin', [CONFIGMAPS_READ]), role('team-a', 'view', [SECRETS_READ])],
        roleBindings: [
          rb('team-a', 'local-admin', 'Role', 'admin', [{ kind: 'User', name: 'bob', apiGroup: RBAC }]),
          rb('team-a', 'viewers', 'ClusterRole', 'view', [{ kind: 'User', name: 'carol', apiGroup: RBAC }]),
        ],
      }),
      options,
    );
    expect(of(entitlements, 'User:bob')).toEqual([expect.objectContaining({ privilege: 'Role/team-a/admin', level: 'read', privileged: false })]);
    expect(of(entitlements, 'User:carol')).toEqual([expect.objectContaining({ privilege: 'ClusterRole/view', level: 'read', privileged: false })]);
  });

  it('reads every subject of a binding: service accounts after a Group subject are not skipped', () => {
    const { entitlements, principals } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('cluster-admin', [ALL])],
        clusterRoleBindings: [
          crb('ops', 'cluster-admin', [
            { kind: 'Group', name: 'ops-team', apiGroup: RBAC },
            { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
            { kind: 'User', name: 'dana@example.com', apiGroup: RBAC },
          ]),
        ],
        serviceAccounts: [sa('ci', 'deployer')],
      }),
      options,
    );
    for (const principal of ['Group:ops-team', 'ServiceAccount:ci/deployer', 'User:dana@example.com'])
      expect(of(entitlements, principal), principal).toEqual([expect.objectContaining({ privilege: 'ClusterRole/cluster-admin', level: 'admin', privileged: true, resource: '*' })]);
    expect(principals.find((p) => p.name === 'dana@example.com')).toMatchObject({ email: 'dana@example.com', human: true, kind: 'user' });
    expect(principals.find((p) => p.name === 'ci/deployer')).toMatchObject({ human: false, kind: 'service-account', createdAt: '2025-01-01T00:00:00.000Z' });
  });

  it('reads a namespace-less ServiceAccount subject of a RoleBinding as the binding namespace (and protects kube-system ones)', () => {
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('secret-reader', [SECRETS_READ])],
        roleBindings: [rb('kube-system', 'reader', 'ClusterRole', 'secret-reader', [{ kind: 'ServiceAccount', name: 'helper' }])],
      }),
      options,
    );
    const helper = of(entitlements, 'ServiceAccount:kube-system/helper');
    expect(helper).toEqual([expect.objectContaining({ resource: 'kube-system', privileged: true })]);
    expect(helper[0]!.ref?.protected).toMatch(/kube-system/);
  });

  it('resolves an aggregated ClusterRole offline from its selectors, transitively (admin ⊃ edit ⊃ view)', () => {
    const label = (key: string) => ({ metadata: { labels: { [`rbac.authorization.k8s.io/${key}`]: 'true' } } });
    const aggregate = (key: string) => ({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/${key}`]: 'true' } }] } });
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [
          { ...clusterRole('view', [], { ...aggregate('aggregate-to-view') }), metadata: { name: 'view', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } } },
          clusterRole('edit', [], { ...aggregate('aggregate-to-edit') }),
          clusterRole('extra-view', [CONFIGMAPS_READ], label('aggregate-to-view')),
          clusterRole('extra-edit', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], label('aggregate-to-edit')),
          clusterRole('unrelated', [ALL]),
        ],
        roleBindings: [
          rb('team-a', 'viewers', 'ClusterRole', 'view', [{ kind: 'User', name: 'vic', apiGroup: RBAC }]),
          rb('team-a', 'editors', 'ClusterRole', 'edit', [{ kind: 'User', name: 'eve', apiGroup: RBAC }]),
        ],
      }),
      options,
    );
    expect(of(entitlements, 'User:vic')).toEqual([expect.objectContaining({ privileged: false, level: 'read' })]);
    // edit aggregates view (label aggregate-to-edit) and extra-edit: it can read secrets, but is not cluster-admin.
    const eve = of(entitlements, 'User:eve');
    expect(eve).toEqual([expect.objectContaining({ privileged: true, level: 'read' })]);
    expect(eve[0]!.ref?.risks).toEqual(['secrets-read']);
  });

  it('keeps bindings to missing roles out of the entitlements and says so', () => {
    const { entitlements, notes } = resolveCluster(
      snapshot({ clusterRoleBindings: [crb('ghost', 'does-not-exist', [{ kind: 'User', name: 'gil', apiGroup: RBAC }])] }),
      options,
    );
    expect(of(entitlements, 'User:gil')).toEqual([]);
    expect(notes.join('\n')).toContain('ClusterRoleBinding/ghost references missing ClusterRole/does-not-exist');
  });

  it('maps a User subject named system:serviceaccount:<ns>:<name> to that service account', () => {
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('secret-reader', [SECRETS_READ])],
        clusterRoleBindings: [crb('sa-as-user', 'secret-reader', [{ kind: 'User', name: 'system:serviceaccount:ci:builder', apiGroup: RBAC }])],
        serviceAccounts: [sa('ci', 'builder')],
      }),
      options,
    );
    expect(of(entitlements, 'ServiceAccount:ci/builder')).toEqual([expect.objectContaining({ privilege: 'ClusterRole/secret-reader', privileged: true })]);
  });

  it('expands system:serviceaccounts:<ns> to its service accounts (protected), keeps the group itself, shows system:anonymous, and hides control-plane users unless asked', () => {
    const parts = {
      clusterRoles: [clusterRole('cluster-admin', [ALL]), clusterRole('system:kube-scheduler', [CONFIGMAPS_READ]), clusterRole('secret-reader', [SECRETS_READ])],
      clusterRoleBindings: [
        crb('oops', 'cluster-admin', [{ kind: 'Group', name: 'system:serviceaccounts:apps', apiGroup: RBAC }]),
        crb('system:kube-scheduler', 'system:kube-scheduler', [{ kind: 'User', name: 'system:kube-scheduler', apiGroup: RBAC }]),
        crb('anonymous-secrets', 'secret-reader', [{ kind: 'User', name: 'system:anonymous', apiGroup: RBAC }]),
        crb('system:service-account-issuer-discovery', 'system:kube-scheduler', [{ kind: 'Group', name: 'system:serviceaccounts', apiGroup: RBAC }]),
      ],
      serviceAccounts: [sa('apps', 'web'), sa('apps', 'worker'), sa('other', 'x')],
    };
    const { entitlements } = resolveCluster(snapshot(parts), options);
    expect(of(entitlements, 'Group:system:serviceaccounts:apps')).toHaveLength(1);
    expect(of(entitlements, 'ServiceAccount:apps/web')).toEqual([
      expect.objectContaining({ level: 'admin', via: 'group/system:serviceaccounts:apps/binding/ClusterRoleBinding/oops' }),
    ]);
    expect(of(entitlements, 'ServiceAccount:apps/web')[0]!.ref?.protected).toBeTruthy();
    expect(of(entitlements, 'ServiceAccount:other/x')).toEqual([]);
    // A harmless role bound to every service account stays on the group, not on each member.
    expect(of(entitlements, 'Group:system:serviceaccounts')).toHaveLength(1);
    expect(of(entitlements, 'User:system:kube-scheduler')).toEqual([]);
    expect(of(entitlements, 'User:system:anonymous')).toEqual([expect.objectContaining({ privilege: 'ClusterRole/secret-reader', privileged: true })]);
    const withSystem = resolveCluster(snapshot(parts), { ...options, includeSystemSubjects: true });
    expect(of(withSystem.entitlements, 'User:system:kube-scheduler')).toEqual([expect.objectContaining({ privileged: false })]);
    expect(of(withSystem.entitlements, 'User:system:kube-scheduler')[0]!.ref?.protected).toMatch(/system:/);
    expect(of(withSystem.entitlements, 'ServiceAccount:other/x')).toEqual([expect.objectContaining({ via: 'group/system:serviceaccounts/binding/ClusterRoleBinding/system:service-account-issuer-discovery' })]);
  });
});

describe('effective RBAC: aggregation, implicit membership and system identities', () => {
  it('an empty aggregation selector takes every ClusterRole, as the controller reads it', () => {
    const rules = aggregateClusterRoles([
      toModel('ClusterRole', clusterRole('everything', [], { aggregationRule: { clusterRoleSelectors: [{}] } })),
      toModel('ClusterRole', clusterRole('cluster-admin', [ALL])),
    ]);
    expect(rules.get('everything')).toEqual([ALL]);
  });

  it('aggregation cycles settle on everything reachable, whatever order the roles come in', () => {
    const roles = [
      clusterRole('a', [], { metadata: { labels: { x: 'a' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'b' } }] } }),
      clusterRole('b', [], { metadata: { labels: { x: 'b' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'a' } }] } }),
      clusterRole('c', [SECRETS_READ], { metadata: { labels: { x: 'b' } } }),
    ].map((item) => toModel<never>('ClusterRole', item));
    for (const order of [roles, [roles[1]!, roles[0]!, roles[2]!], [roles[2]!, roles[1]!, roles[0]!]]) {
      const rules = aggregateClusterRoles(order);
      expect(rules.get('a')).toEqual([SECRETS_READ]);
      expect(rules.get('b')).toEqual([SECRETS_READ]);
    }
  });

  it('every service account holds what system:authenticated holds: privileged access there makes their legacy tokens privileged', () => {
    const snap = snapshot({
      clusterRoles: [clusterRole('cluster-admin', [ALL]), clusterRole('system:basic-user', [CONFIGMAPS_READ])],
      clusterRoleBindings: [
        crb('oops', 'cluster-admin', [{ kind: 'Group', name: 'system:authenticated', apiGroup: RBAC }]),
        crb('system:basic-user', 'system:basic-user', [{ kind: 'Group', name: 'system:authenticated', apiGroup: RBAC }]),
      ],
      serviceAccounts: [sa('team', 'app')],
    });
    snap.tokenSecrets = [
      toModel<never>('Secret', { metadata: { name: 'app-token', namespace: 'team', uid: 's1', creationTimestamp: '2024-01-01T00:00:00Z', annotations: { 'kubernetes.io/service-account.name': 'app' } } }),
    ];
    const { entitlements, credentials } = resolveCluster(snap, options);
    expect(of(entitlements, 'ServiceAccount:team/app')).toEqual([
      expect.objectContaining({ level: 'admin', privileged: true, via: 'group/system:authenticated/binding/ClusterRoleBinding/oops' }),
    ]);
    expect(of(entitlements, 'ServiceAccount:team/app')[0]!.ref?.protected).toMatch(/system:authenticated/);
    expect(of(entitlements, 'Group:system:authenticated').map((e) => e.privilege)).toEqual(['ClusterRole/cluster-admin', 'ClusterRole/system:basic-user']);
    expect(credentials).toEqual([expect.objectContaining({ name: 'team/app-token', privileged: true })]);
  });

  it("a binding of one's own to system: users and groups is shown (protected); the control plane's own bindings are not", () => {
    const subjects = [
      { kind: 'Group', name: 'system:bootstrappers', apiGroup: RBAC },
      { kind: 'Group', name: 'system:nodes', apiGroup: RBAC },
      { kind: 'User', name: 'system:kube-proxy', apiGroup: RBAC },
      { kind: 'ServiceAccount', name: 'helper', namespace: 'kube-system' },
    ];
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('cluster-admin', [ALL]), clusterRole('system:node', [CONFIGMAPS_READ])],
        clusterRoleBindings: [
          crb('backdoor', 'cluster-admin', subjects),
          crb('system:node', 'system:node', subjects),
          crb('node-defaults', 'system:node', subjects, { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }),
        ],
      }),
      options,
    );
    for (const principal of ['Group:system:bootstrappers', 'Group:system:nodes', 'User:system:kube-proxy', 'ServiceAccount:kube-system/helper']) {
      const held = of(entitlements, principal);
      expect(held.map((e) => e.via), principal).toEqual(['binding/ClusterRoleBinding/backdoor']);
      expect(held[0]).toMatchObject({ level: 'admin', privileged: true });
      expect(held[0]!.ref?.protected).toBeTruthy();
    }
  });
});

describe('workloads run as the namespace service accounts', () => {
  it('creating workloads is privileged where a service account holds privileged access beyond its namespace, followed through chains', () => {
    const DEPLOY = { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'update'] };
    const user = (name: string) => [{ kind: 'User', name, apiGroup: RBAC }];
    const { entitlements, notes } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('cluster-admin', [ALL]), clusterRole('deployer', [DEPLOY]), clusterRole('secret-reader', [SECRETS_READ])],
        clusterRoleBindings: [crb('argocd-controller', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'controller', namespace: 'argocd' }])],
        roleBindings: [
          rb('argocd', 'dev-deploys', 'ClusterRole', 'deployer', user('dev@example.com')),
          // team's CI account can deploy into argocd: so whoever deploys into team gets there too.
          rb('argocd', 'ci-deploys', 'ClusterRole', 'deployer', [{ kind: 'ServiceAccount', name: 'ci', namespace: 'team' }]),
          rb('team', 'team-deploys', 'ClusterRole', 'deployer', user('tess@example.com')),
          // A service account privileged only in its own namespace adds nothing to creating pods there.
          rb('plain', 'local-secrets', 'ClusterRole', 'secret-reader', [{ kind: 'ServiceAccount', name: 'reader', namespace: 'plain' }]),
          rb('plain', 'plain-deploys', 'ClusterRole', 'deployer', user('pat@example.com')),
        ],
        serviceAccounts: [sa('argocd', 'controller'), sa('team', 'ci'), sa('plain', 'reader')],
      }),
      options,
    );
    expect(of(entitlements, 'User:dev@example.com')).toEqual([expect.objectContaining({ resource: 'argocd', privileged: true })]);
    expect(of(entitlements, 'User:dev@example.com')[0]!.ref).toMatchObject({ risks: ['create-workloads'], workloadsRunAs: 'argocd/controller' });
    expect(of(entitlements, 'ServiceAccount:team/ci')).toEqual([expect.objectContaining({ resource: 'argocd', privileged: true })]);
    expect(of(entitlements, 'User:tess@example.com')).toEqual([expect.objectContaining({ resource: 'team', privileged: true })]);
    expect(of(entitlements, 'User:tess@example.com')[0]!.ref?.workloadsRunAs).toBe('team/ci');
    expect(of(entitlements, 'User:pat@example.com')).toEqual([expect.objectContaining({ resource: 'plain', privileged: false })]);
    expect(notes).toContain('creating workloads is privileged in 2 namespace(s) whose service accounts hold privileged access beyond them: argocd (argocd/controller), team (team/ci)');
    // Switched off with the classifier id, like every other use of it.
    const off = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('cluster-admin', [ALL]), clusterRole('deployer', [DEPLOY])],
        clusterRoleBindings: [crb('argocd-controller', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'controller', namespace: 'argocd' }])],
        roleBindings: [rb('argocd', 'dev-deploys', 'ClusterRole', 'deployer', user('dev@example.com'))],
        serviceAccounts: [sa('argocd', 'controller')],
      }),
      { ...options, classifierDisabled: ['create-workloads'] },
    );
    expect(of(off.entitlements, 'User:dev@example.com')).toEqual([expect.objectContaining({ privileged: false })]);
  });
});

describe('temporary-binding markers', () => {
  it('reads dutybound, kube-jit and tarbac markers into expiresAt and grantId; an unreadable expiry is a note', () => {
    const subject = (name: string) => [{ kind: 'User', name, apiGroup: RBAC }];
    const { entitlements, notes } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('cluster-admin', [ALL])],
        clusterRoleBindings: [
          crb('jit-ann', 'cluster-admin', subject('ann@example.com'), {
            annotations: { 'dutybound.io/expires-at': '2026-05-01T12:00:00+02:00', 'dutybound.io/grant-id': 'G-17' },
            creationTimestamp: '2026-05-01T08:00:00Z',
          }),
          crb('jit-kube', 'cluster-admin', subject('kim@example.com'), { annotations: { 'jit.kubejit.io/expiry': '2026-05-02T00:00:00Z' } }),
          crb('jit-tarbac', 'cluster-admin', subject('tom@example.com'), {
            labels: { 'tarbac.io/owner': 'temp-admin', 'tarbac.io/request-id': 'req-42' },
            ownerReferences: [{ apiVersion: 'tarbac.io/v1', kind: 'ClusterTemporaryRBAC', name: 'temp-admin', uid: 'u1' }],
          }),
          crb('bad-expiry', 'cluster-admin', subject('bea@example.com'), { annotations: { 'dutybound.io/expires-at': 'tomorrow' } }),
        ],
      }),
      options,
    );
    expect(of(entitlements, 'User:ann@example.com')[0]).toMatchObject({ expiresAt: '2026-05-01T10:00:00.000Z', grantId: 'G-17', grantedAt: '2026-05-01T08:00:00.000Z' });
    expect(of(entitlements, 'User:kim@example.com')[0]).toMatchObject({ expiresAt: '2026-05-02T00:00:00.000Z' });
    expect(of(entitlements, 'User:tom@example.com')[0]).toMatchObject({ grantId: 'req-42' });
    expect(of(entitlements, 'User:tom@example.com')[0]!.expiresAt).toBeUndefined();
    expect(of(entitlements, 'User:bea@example.com')[0]!.expiresAt).toBeUndefined();
    expect(notes.join('\n')).toContain('ClusterRoleBinding/bad-expiry: dutybound.io/expires-at: "tomorrow" is not an ISO 8601 time with an offset');
  });

  it('takes the expiry of an owning JIT resource when its list was read', () => {
    const snap = snapshot({
      clusterRoles: [clusterRole('cluster-admin', [ALL])],
      clusterRoleBindings: [
        crb('user-tom-cluster-admin', 'cluster-admin', [{ kind: 'User', name: 'tom@example.com', apiGroup: RBAC }], {
          ownerReferences: [{ apiVersion: 'tarbac.io/v1', kind: 'ClusterTemporaryRBAC', name: 'temp-admin', uid: 'u1' }],
        }),
      ],
    });
    snap.jitOwners = new Map([['tarbac.io/ClusterTemporaryRBAC//temp-admin', { expiresAt: '2026-01-01T00:00:00.000Z', grantId: 'req-9' }]]);
    expect(of(resolveCluster(snap, options).entitlements, 'User:tom@example.com')[0]).toMatchObject({ expiresAt: '2026-01-01T00:00:00.000Z', grantId: 'req-9' });
  });
});

describe('legacy token secrets', () => {
  it('become credentials with last use, invalidation, reference and mount facts, never data', () => {
    const snap = snapshot({
      clusterRoles: [clusterRole('cluster-admin', [ALL])],
      clusterRoleBindings: [crb('ci-admin', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }])],
      serviceAccounts: [{ ...sa('ci', 'builder'), secrets: [{ name: 'builder-token' }] }, sa('ci', 'idle')],
    });
    const secret = (name: string, saName: string, labels: Record<string, string>, created: string) =>
      toModel<never>('Secret', {
        metadata: { name, namespace: 'ci', uid: `s-${name}`, creationTimestamp: created, labels, annotations: { 'kubernetes.io/service-account.name': saName } },
      });
    snap.tokenSecrets = [
      secret('builder-token', 'builder', { 'kubernetes.io/legacy-token-last-used': '2026-04-02' }, '2024-01-01T00:00:00Z'),
      secret('idle-token', 'idle', { 'kubernetes.io/legacy-token-invalid-since': '2026-03-01' }, '2025-06-01T00:00:00Z'),
      secret('fresh-token', 'idle', {}, '2025-08-01T00:00:00Z'),
      secret('gone-token', 'deleted-sa', {}, '2025-08-01T00:00:00Z'),
    ];
    snap.pods = [toModel('Pod', { metadata: { name: 'p', namespace: 'ci' }, spec: { containers: [], volumes: [{ name: 'v', secret: { secretName: 'builder-token' } }] } })];
    snap.tokenTrackingSince = '2025-07-01';
    const { credentials, notes } = resolveCluster(snap, options);
    const byName = new Map(credentials.map((credential) => [credential.name, credential]));
    expect(byName.get('ci/builder-token')).toMatchObject({
      id: 'kubernetes:prod/Secret:ci/builder-token',
      kind: 'service-account-token',
      principal: 'kubernetes:prod/ServiceAccount:ci/builder',
      createdAt: '2024-01-01T00:00:00.000Z',
      lastUsedAt: '2026-04-02T00:00:00.000Z',
      status: 'active',
      privileged: true,
      ref: expect.objectContaining({ referencedByServiceAccount: true, mountedByPods: 1 }),
    });
    expect(byName.get('ci/idle-token')).toMatchObject({ status: 'inactive', privileged: false, ref: expect.objectContaining({ mountedByPods: 0, referencedByServiceAccount: false }) });
    // Created before tracking began: no signal; after: tracked and never used.
    expect(byName.get('ci/idle-token')).not.toHaveProperty('lastUsedAt');
    expect(byName.get('ci/fresh-token')!.lastUsedAt).toBeNull();
    expect(byName.get('ci/gone-token')!.status).toBe('inactive');
    expect(notes.join('\n')).toContain('ci/gone-token');
    expect(JSON.stringify(credentials)).not.toMatch(/"data"/);
  });
});

describe('control-plane service accounts', () => {
  it('are left out of the entitlements by default, but their legacy tokens count as privileged', () => {
    const snap = snapshot({
      clusterRoles: [clusterRole('system:controller:generic-garbage-collector', [{ apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'] }])],
      clusterRoleBindings: [
        crb('system:controller:generic-garbage-collector', 'system:controller:generic-garbage-collector', [{ kind: 'ServiceAccount', name: 'generic-garbage-collector', namespace: 'kube-system' }]),
      ],
      serviceAccounts: [sa('kube-system', 'generic-garbage-collector')],
    });
    snap.tokenSecrets = [
      toModel<never>('Secret', {
        metadata: { name: 'generic-garbage-collector-token', namespace: 'kube-system', uid: 's1', creationTimestamp: '2022-01-01T00:00:00Z', annotations: { 'kubernetes.io/service-account.name': 'generic-garbage-collector' } },
      }),
    ];
    const { entitlements, credentials } = resolveCluster(snap, options);
    expect(of(entitlements, 'ServiceAccount:kube-system/generic-garbage-collector')).toEqual([]);
    expect(credentials).toEqual([expect.objectContaining({ name: 'kube-system/generic-garbage-collector-token', privileged: true })]);
  });
});

describe('a real-world manifest set (cert-manager, ingress-nginx, Argo CD)', () => {
  const file = fileURLToPath(new URL('./__fixtures__/operators-rbac.yaml', import.meta.url));
  const { entitlements } = resolveCluster(readExport('prod', file), options);
  const find = (principal: string, privilege: string) => {
    const found = of(entitlements, principal).find((entitlement) => entitlement.privilege === privilege);
    expect(found, `${principal} ${privilege}`).toBeDefined();
    return found!;
  };

  it('classifies each controller by what its rules allow', () => {
    const argo = find('ServiceAccount:argocd/argocd-application-controller', 'ClusterRole/argocd-application-controller');
    expect(argo).toMatchObject({ level: 'admin', privileged: true });
    expect(argo.ref?.risks).toContain('cluster-admin');
    const argoServer = find('ServiceAccount:argocd/argocd-server', 'ClusterRole/argocd-server');
    expect(argoServer).toMatchObject({ level: 'write', privileged: true });
    expect(argoServer.ref?.risks).toEqual(expect.arrayContaining(['wildcard-resources', 'secrets-read', 'pods-exec']));
    // The namespaced Role of argocd-server, bound to a subject without namespace (the binding's).
    expect(find('ServiceAccount:argocd/argocd-server', 'Role/argocd/argocd-server').ref?.risks).toEqual(['secrets-read']);
    expect(find('ServiceAccount:cert-manager/cert-manager', 'ClusterRole/cert-manager-controller-certificates')).toMatchObject({ level: 'write', privileged: true });
    expect(find('ServiceAccount:cert-manager/cert-manager', 'ClusterRole/cert-manager-controller-approve:cert-manager-io')).toMatchObject({ privileged: false });
    expect(find('ServiceAccount:cert-manager/cert-manager', 'Role/kube-system/cert-manager:leaderelection')).toMatchObject({ privileged: false, resource: 'kube-system' });
    expect(find('ServiceAccount:cert-manager/cert-manager-cainjector', 'ClusterRole/cert-manager-cainjector').ref?.risks).toEqual(['secrets-read', 'admission-webhooks', 'apiservices-changes']);
    expect(find('ServiceAccount:ingress-nginx/ingress-nginx', 'ClusterRole/ingress-nginx').ref?.risks).toEqual(['secrets-read']);
    expect(find('ServiceAccount:ingress-nginx/ingress-nginx-admission', 'ClusterRole/ingress-nginx-admission').ref?.risks).toEqual(['admission-webhooks']);
  });
});

describe('one entitlement per principal, resource, privilege and path', () => {
  it('a subject named twice, the same account as ServiceAccount and as its user name, and a binding listed twice give each entitlement once, in order', () => {
    const alice = { kind: 'User', name: 'alice@example.com', apiGroup: RBAC };
    const { entitlements } = resolveCluster(
      snapshot({
        clusterRoles: [clusterRole('edit', [CONFIGMAPS_READ]), clusterRole('view', [CONFIGMAPS_READ]), clusterRole('admin', [ALL])],
        serviceAccounts: [sa('team-a', 'builder'), sa('team-a', 'builder'), sa('team-a', 'runner')],
        roleBindings: [
          rb('team-a', 'pair', 'ClusterRole', 'edit', [alice, alice, { kind: 'ServiceAccount', name: 'builder' }, { kind: 'User', name: 'system:serviceaccount:team-a:builder' }]),
          // Listed twice (a hand-made export): the first copy's entitlements stand, a different role in the copy adds its own.
          rb('team-a', 'twice', 'ClusterRole', 'view', [alice]),
          rb('team-a', 'twice', 'ClusterRole', 'view', [alice]),
          rb('team-a', 'twice', 'ClusterRole', 'edit', [alice]),
          // Privileged access for every service account of the namespace: each member once, beside the group.
          rb('team-a', 'all-sa', 'ClusterRole', 'admin', [{ kind: 'Group', name: 'system:serviceaccounts:team-a', apiGroup: RBAC }]),
        ],
      }),
      options,
    );
    expect(of(entitlements, 'User:alice@example.com').map((e) => [e.privilege, e.via])).toEqual([
      ['ClusterRole/edit', 'binding/RoleBinding/team-a/pair'],
      ['ClusterRole/edit', 'binding/RoleBinding/team-a/twice'],
      ['ClusterRole/view', 'binding/RoleBinding/team-a/twice'],
    ]);
    expect(of(entitlements, 'ServiceAccount:team-a/builder').map((e) => [e.privilege, e.via])).toEqual([
      ['ClusterRole/admin', 'group/system:serviceaccounts:team-a/binding/RoleBinding/team-a/all-sa'],
      ['ClusterRole/edit', 'binding/RoleBinding/team-a/pair'],
    ]);
    expect(of(entitlements, 'ServiceAccount:team-a/runner').map((e) => e.via)).toEqual(['group/system:serviceaccounts:team-a/binding/RoleBinding/team-a/all-sa']);
    expect(of(entitlements, 'Group:system:serviceaccounts:team-a').map((e) => e.via)).toEqual(['binding/RoleBinding/team-a/all-sa']);
    // The whole list is in the inventory order: principal, target, resource, privilege, via.
    const keys = entitlements.map((e) => [e.principal, e.target, e.resource, e.privilege, e.via].join('\u0000'));
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });
});
