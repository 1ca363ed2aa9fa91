// `dutybound enforce` from the user's side, against the simulated estate: the whole state of every
// fake is dumped before and after, so a write to anything that was not planned shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsPermissions } from '../../connectors/aws/permissions.ts';
import { kubernetesPermissions } from '../../connectors/kubernetes/permissions.ts';
import { runEnforce, type EnforceOptions } from '../../src/commands/enforce.ts';
import { runRestore } from '../../src/commands/restore.ts';
import { runScan } from '../../src/commands/scan.ts';
import type { AuditEntry } from '../../src/enforce/types.ts';
import type { FakeAccount } from '../../src/sim/aws/estate.ts';
import type { KubeObject } from '../../src/sim/kubernetes/estate.ts';
import { captureIo, NOW, startScenario, type Scenario } from './scenario.ts';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

const enforce = async (options: Partial<EnforceOptions>) => {
  const io = captureIo(scenario.dir);
  const result = await runEnforce({ config: scenario.configPath, now: NOW, out: join(scenario.dir, 'out'), quiet: true, ...options }, io, { connectors: scenario.connectors });
  return { ...result, io };
};
const audit = (): AuditEntry[] =>
  readFileSync(join(scenario.dir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);

/** The AWS account as IAM defines it: list order is not state, nor is the credential report's timestamp. */
const awsState = (accounts: FakeAccount[]) =>
  accounts.map(({ reportGeneratedAt: _generated, ...account }) => ({
    ...account,
    users: account.users.map((u) => ({ ...u, groups: [...u.groups].sort(), attached: [...u.attached].sort() })),
    roles: account.roles.map((r) => ({ ...r, attached: [...r.attached].sort() })),
  }));
/** Kubernetes objects by kind/namespace/name. */
const byName = (objects: KubeObject[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
/** An object without what the API server assigns on create (a re-created object is the same object). */
const content = (object: KubeObject | undefined) => {
  if (!object) return undefined;
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, managedFields: _fields, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
};

describe('enforce --apply', () => {
  it('changes exactly the planned objects and nothing else, each verified and in the audit log', async () => {
    const before = scenario.dump();
    const planned = await enforce({ plan: true });
    expect(planned.exitCode, planned.io.err()).toBe(0);
    expect(scenario.dump().kubernetes).toEqual(before.kubernetes);
    expect(awsState(scenario.dump().aws as FakeAccount[])).toEqual(awsState(before.aws as FakeAccount[]));
    expect(planned.actions.map((a) => `${a.status} ${a.rule} ${a.revoker}`).sort()).toEqual([
      'planned expired-grant aws-detach-managed-policy',
      'planned expired-grant aws-remove-from-group',
      'planned expired-grant kubernetes-binding-subject',
      'planned expired-grant kubernetes-binding-subject',
      'planned off-call kubernetes-binding-subject',
      'planned revoked-grant aws-delete-inline-policy',
      'planned stale-credential aws-deactivate-access-key',
    ]);

    const applied = await enforce({ apply: true });
    expect(applied.exitCode, applied.io.out() + applied.io.err()).toBe(0);
    expect(applied.actions.map((a) => a.status)).toEqual(Array(7).fill('verified'));

    // AWS: exactly bob's membership, dave's old key (deactivated, not deleted), the deployer's admin policy and inline policy.
    const expectedAws = structuredClone(before.aws) as FakeAccount[];
    const account = expectedAws[0]!;
    account.users.find((u) => u.name === 'bob')!.groups = [];
    account.users.find((u) => u.name === 'dave')!.keys[0]!.active = false;
    const deployer = account.roles.find((r) => r.name === 'deployer')!;
    deployer.attached = ['arn:aws:iam::aws:policy/ReadOnlyAccess'];
    deployer.inline = [];
    expect(awsState(scenario.dump().aws as FakeAccount[])).toEqual(awsState(expectedAws));

    // Kubernetes: kim leaves `ops` (lee stays), `solo` and `oncall-olga` are deleted; every other object is untouched, metadata included.
    const k8sBefore = byName(before.kubernetes as KubeObject[]);
    const k8sAfter = byName(scenario.dump().kubernetes as KubeObject[]);
    const ops = 'ClusterRoleBinding//ops';
    const solo = 'RoleBinding/team-a/solo';
    expect(k8sAfter.has(solo)).toBe(false);
    expect(k8sAfter.has('ClusterRoleBinding//oncall-olga')).toBe(false);
    expect((k8sAfter.get(ops) as unknown as { subjects: { name: string }[] }).subjects.map((s) => s.name)).toEqual(['lee@example.com']);
    for (const [name, object] of k8sAfter) if (name !== ops) expect(object, name).toEqual(k8sBefore.get(name));
    expect(k8sAfter.size).toBe(k8sBefore.size - 2);

    // The audit log: planned (twice: --plan and --apply), then intent with the prior state, outcome, verified — in that order per action.
    const lines = audit();
    for (const action of applied.actions) {
      const phases = lines.filter((line) => line.action === action.id).map((line) => line.phase);
      expect(phases, action.object).toEqual(['planned', 'intent', 'outcome', 'verified']);
      const intent = lines.find((line) => line.action === action.id && line.phase === 'intent')!;
      expect(intent).toMatchObject({ rule: action.rule, finding: action.finding, system: action.system, target: action.target, principal: action.principal, object: action.object });
      expect(intent.prior).toBeDefined();
    }
    const inline = lines.find((line) => line.phase === 'intent' && line.revoker === 'aws-delete-inline-policy')!;
    expect(JSON.parse(String(inline.prior!.policyDocument))).toMatchObject({ Statement: [{ Action: 'iam:*' }] });
    expect(inline.grant).toBe('G-deployer-inline');

    // Every call enforce made is in what `dutybound permissions <system> --mode enforce` prints.
    const awsAllowed = new Set((awsPermissions().enforce as { Statement: { Action: string[] }[] }).Statement.flatMap((statement) => statement.Action));
    expect([...scenario.aws.calls.byOperation.keys()].filter((operation) => operation !== 'sts:GetCallerIdentity' && !awsAllowed.has(operation))).toEqual([]);
    const kubeRules = (kubernetesPermissions().enforce as { rules: { resources: string[]; verbs: string[] }[] }).rules;
    const kubeCalls = [...scenario.kubernetes.calls.byOperation.keys()].map((operation) => operation.split(' ') as [string, string]);
    expect(kubeCalls.filter(([verb, resource]) => !kubeRules.some((rule) => rule.resources.includes(resource) && rule.verbs.includes(verb)))).toEqual([]);
    expect(kubeCalls.map(([verb]) => verb)).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));

    // The report carries the outcomes; a second --apply plans nothing and exits 0.
    const report = JSON.parse(readFileSync(join(scenario.dir, 'out', 'report.json'), 'utf8'));
    expect(report.enforcement).toMatchObject({ mode: 'apply', summary: { verified: 7, failed: 0 } });
    const again = await enforce({ apply: true });
    expect(again.actions).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(again.io.out()).toContain('nothing to do');
  });

  it('restore brings the estate back to equal state for every reversible kind', async () => {
    const before = scenario.dump();
    const applied = await enforce({ apply: true });
    expect(applied.exitCode).toBe(0);
    for (const action of applied.actions) {
      const io = captureIo(scenario.dir);
      expect(await runRestore({ actionId: action.id, config: scenario.configPath, quiet: true }, io, { connectors: scenario.connectors }), io.err()).toBe(0);
    }
    expect(awsState(scenario.dump().aws as FakeAccount[])).toEqual(awsState(before.aws as FakeAccount[]));
    const k8sBefore = byName(before.kubernetes as KubeObject[]);
    const k8sAfter = byName(scenario.dump().kubernetes as KubeObject[]);
    expect([...k8sAfter.keys()].sort()).toEqual([...k8sBefore.keys()].sort());
    for (const [name, object] of k8sAfter) expect(content(object), name).toEqual(content(k8sBefore.get(name)));
    expect(audit().filter((line) => line.phase === 'restored').map((line) => line.action).sort()).toEqual(applied.actions.map((a) => a.id).sort());
    // A second restore of the same action does nothing and says so.
    const io = captureIo(scenario.dir);
    expect(await runRestore({ actionId: applied.actions[0]!.id, config: scenario.configPath }, io, { connectors: scenario.connectors })).toBe(1);
    expect(io.err()).toContain('already restored');
  });

  it('reports access that enforce removed and that is back, with who wrote it (Kubernetes managedFields)', async () => {
    const first = await enforce({ apply: true });
    const kim = first.actions.find((a) => a.principal === 'kubernetes:prod/User:kim@example.com')!;
    expect(kim.status).toBe('verified');
    // A GitOps controller puts kim back into `ops`.
    const path = `${scenario.kubernetes.url}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ops?fieldManager=argocd-controller`;
    const response = await fetch(path, {
      method: 'PATCH',
      headers: { authorization: 'Bearer token-prod', 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'add', path: '/subjects/-', value: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kim@example.com' } }]),
    });
    expect(response.status).toBe(200);

    const plan = await enforce({ plan: true });
    expect(plan.actions).toEqual([expect.objectContaining({ principal: kim.principal, regranted: { action: kim.id, removedAt: expect.any(String) } })]);
    const again = await enforce({ apply: true });
    const back = again.actions.find((a) => a.principal === kim.principal)!;
    expect(back).toMatchObject({ status: 'verified', regranted: { action: kim.id, by: 'argocd-controller' } });
    const report = JSON.parse(readFileSync(join(scenario.dir, 'out', 'report.json'), 'utf8'));
    const finding = report.findings.find((f: { id: string }) => f.id === back.finding);
    expect(finding.evidence.regranted).toMatch(new RegExp(`removed by enforce action ${kim.id} at .* and back since, written by argocd-controller; this run's action: ${back.id}`));
    expect(report.enforcement.actions[0].regranted).toMatchObject({ by: 'argocd-controller' });
  });

  it('a nightly scan reports access that enforce removed and that is back', async () => {
    const first = await enforce({ apply: true });
    const kim = first.actions.find((a) => a.principal === 'kubernetes:prod/User:kim@example.com')!;
    await fetch(`${scenario.kubernetes.url}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ops`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer token-prod', 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'add', path: '/subjects/-', value: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kim@example.com' } }]),
    });
    // --only kubernetes: the scan collects live through the standard connector, never the real AWS.
    const io = captureIo(scenario.dir);
    const { report } = await runScan({ config: scenario.configPath, now: NOW, out: join(scenario.dir, 'scan'), format: ['json'], failOn: 'critical', only: 'kubernetes', inventory: [], ledger: [], schedule: [], quiet: true }, io);
    const finding = report.findings.find((f) => f.id === kim.finding)!;
    expect(finding.evidence?.regranted).toContain(`removed by enforce action ${kim.id}`);
    expect((report.enforcement as { actions: { finding: string; regranted?: unknown }[] }).actions.find((a) => a.finding === kim.finding)?.regranted).toMatchObject({ action: kim.id });
  });
});
