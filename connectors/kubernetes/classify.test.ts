import { describe, expect, it } from 'vitest';
import { CLASSIFIER, CLASSIFIER_IDS, classifyRules } from './classify.ts';

const options = { privilegedNamespaces: ['kube-system'], disabled: [] as string[] };
const cluster = { namespace: null };

describe('classifier table', () => {
  it('has unique, stable ids', () => {
    expect(new Set(CLASSIFIER_IDS).size).toBe(CLASSIFIER.length);
    expect(CLASSIFIER_IDS).toEqual(expect.arrayContaining(['cluster-admin', 'escalate', 'bind', 'impersonate', 'secrets-read', 'pods-exec', 'nodes-proxy', 'csr-approval']));
  });

  it.each([
    ['escalate', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }],
    ['bind', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['bind'] }],
    ['impersonate', { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }],
    ['pods-exec', { apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }],
    ['pods-attach', { apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] }],
    ['nodes-proxy', { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
    ['serviceaccount-token', { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
    ['csr-approval', { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }],
    ['admission-webhooks', { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch'] }],
    ['rbac-changes', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], verbs: ['create'] }],
    ['apiservices-changes', { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['update'] }],
  ])('%s is privileged cluster-wide', (id, rule) => {
    const result = classifyRules([rule], cluster, options);
    expect(result.risks).toContain(id);
    expect(result.privileged).toBe(true);
  });

  it('cluster-scoped powers do not travel through a RoleBinding', () => {
    const rules = [{ apiGroups: [''], resources: ['nodes/proxy', 'users'], verbs: ['get', 'impersonate'] }];
    // They grant nothing there: no risk, and the lowest level.
    expect(classifyRules(rules, { namespace: 'team-a' }, options)).toEqual({ level: 'read', privileged: false, risks: [] });
    expect(classifyRules([{ apiGroups: [''], resources: ['nodes'], verbs: ['*'] }], { namespace: 'team-a' }, options)).toEqual({ level: 'read', privileged: false, risks: [] });
    expect(classifyRules([{ apiGroups: [''], resources: ['nodes'], verbs: ['*'] }], cluster, options)).toMatchObject({ level: 'write', privileged: true, risks: ['wildcard-verbs', 'nodes-modify'] });
  });

  it('bind on ClusterRoles held through a RoleBinding still binds them (cluster-admin too) in that namespace', () => {
    const rules = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }];
    expect(classifyRules(rules, { namespace: 'team-a' }, options)).toMatchObject({ privileged: true, risks: ['bind'] });
  });

  it('changing one named workload is creating pods; a named create is not a create', () => {
    const patchCoreDns = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch', 'update'], resourceNames: ['coredns'] }];
    expect(classifyRules(patchCoreDns, { namespace: 'kube-system' }, options)).toMatchObject({ privileged: true, risks: ['create-workloads'] });
    expect(classifyRules([{ apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['patch'], resourceNames: ['kube-proxy'] }], cluster, options).risks).toEqual(['create-workloads']);
    expect(classifyRules([{ apiGroups: [''], resources: ['pods'], verbs: ['create'], resourceNames: ['one'] }], cluster, options).risks).toEqual([]);
  });

  it('aws-auth changes count cluster-wide and in kube-system only, and only for that ConfigMap when names are given', () => {
    const awsAuth = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['patch'], resourceNames: ['aws-auth'] }];
    expect(classifyRules(awsAuth, { namespace: 'kube-system' }, options)).toMatchObject({ privileged: true, risks: ['eks-aws-auth'] });
    expect(classifyRules(awsAuth, cluster, options).risks).toEqual(['eks-aws-auth']);
    expect(classifyRules(awsAuth, { namespace: 'team-a' }, options)).toMatchObject({ privileged: false, risks: [] });
    expect(classifyRules([{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'], resourceNames: ['coredns'] }], { namespace: 'kube-system' }, options).risks).toEqual([]);
  });

  it('creating workloads is privileged cluster-wide and in privileged namespaces, recorded but not privileged elsewhere', () => {
    const rules = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }];
    expect(classifyRules(rules, { namespace: 'team-a' }, options)).toEqual({ level: 'write', privileged: false, risks: ['create-workloads'] });
    expect(classifyRules(rules, { namespace: 'kube-system' }, options).privileged).toBe(true);
    expect(classifyRules(rules, cluster, options).privileged).toBe(true);
  });

  it('admin level only for */*/*; read-only rules are read; disabled ids do not make privileged', () => {
    expect(classifyRules([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], cluster, options).level).toBe('admin');
    expect(classifyRules([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }], cluster, options)).toEqual({ level: 'read', privileged: false, risks: [] });
    const secrets = [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }];
    expect(classifyRules(secrets, cluster, { ...options, disabled: ['secrets-read'] })).toEqual({ level: 'read', privileged: false, risks: ['secrets-read'] });
  });
});
