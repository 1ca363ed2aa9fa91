// The plan is pure: findings + inventory + ledger in, actions out. Exact objects, covered access
// never planned, protected principals and unnarrowable objects refused.
import { describe, expect, it } from 'vitest';
import { awsRevokers } from '../../connectors/aws/revoke.ts';
import { githubRevokers } from '../../connectors/github/revoke.ts';
import { kubernetesRevokers } from '../../connectors/kubernetes/revoke.ts';
import type { Revoker } from '../../connectors/types.ts';
import { parseConfig } from '../config/load.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { Entitlement, Grant, Principal, System } from '../model/index.ts';
import { planEnforcement } from './plan.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const revokers = new Map<System, readonly Revoker<never>[]>([
  ['aws', awsRevokers as Revoker<never>[]],
  ['github', githubRevokers as Revoker<never>[]],
  ['kubernetes', kubernetesRevokers as Revoker<never>[]],
]);
const expired = (id: string, subject: string, system: System, target: string, privilege: string, extra: Partial<Grant> = {}): Grant => ({
  id, subject, system, target, resource: '*', privilege, kind: 'temporary', start: '2026-11-10T00:00:00Z', end: '2026-11-18T00:00:00Z', approver: 'lead@example.com', ticket: 'T-1', ...extra,
});
const active = (grant: Grant): Grant => ({ ...grant, id: `${grant.id}-active`, start: '2026-11-20T10:00:00Z', end: '2026-11-20T18:00:00Z' });

const aws = (principal: string, privilege: string, via: string, ref: Record<string, unknown>): Entitlement => ({ principal: `aws:arn:aws:iam::111111111111:${principal}`, system: 'aws', target: '111111111111', resource: '*', privilege, level: 'admin', privileged: true, via, ref: { account: '111111111111', ...ref } });
const github = (login: string): Entitlement => ({ principal: `github:acme/${login}`, system: 'github', target: 'acme', resource: '*', privilege: 'org-owner', level: 'admin', privileged: true, via: 'direct', ref: { org: 'acme', kind: 'org-owner', login } });
const kube = (subject: string, binding: string, extra: Record<string, unknown> = {}): Entitlement => ({
  principal: `kubernetes:prod/User:${subject}`, system: 'kubernetes', target: 'prod', resource: '*', privilege: 'ClusterRole/cluster-admin', level: 'admin', privileged: true, via: `binding/ClusterRoleBinding/${binding}`,
  ref: { cluster: 'prod', binding: { kind: 'ClusterRoleBinding', name: binding }, subject: { kind: 'User', name: subject }, ...extra },
});

const plan = (entitlements: Entitlement[], grants: Grant[], config: Record<string, unknown> = {}, principals: Principal[] = []) => {
  const parsed = parseConfig(config, 'test.yaml');
  const inventory = { principals, entitlements, credentials: [] };
  const findings = evaluate({ inventory, grants, shifts: [], people: { people: [], owners: [] }, config: parsed, now: NOW });
  return planEnforcement({ findings, inventory, grants, shifts: [], people: { people: [], owners: [] }, config: parsed, now: NOW, runId: 'run', revokers });
};

describe('planEnforcement', () => {
  it('aims at the exact object: the membership, never the group policy; one action for every finding through it', () => {
    const viaGroup = { action: 'remove-user-from-group', userName: 'bob', groupName: 'admins' };
    const { actions } = plan(
      [aws('user/bob', 'AdministratorAccess', 'group/admins', viaGroup), aws('user/bob', 'IAMFullAccess', 'group/admins', viaGroup)],
      [expired('G1', 'aws:arn:aws:iam::111111111111:user/bob', 'aws', '111111111111', '*')],
    );
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ status: 'planned', revoker: 'aws-remove-from-group', removes: ['AdministratorAccess', 'IAMFullAccess'] });
    expect(actions[0]!.findings).toHaveLength(2);
  });

  it('plans nothing for access another grant still covers (one expired, one active for the same access)', () => {
    const entitlement = aws('user/frank', 'AdministratorAccess', 'direct', { action: 'detach-user-policy', userName: 'frank', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const old = expired('G2', 'aws:arn:aws:iam::111111111111:user/frank', 'aws', '111111111111', 'AdministratorAccess');
    expect(plan([entitlement], [old]).actions.map((a) => a.status)).toEqual(['planned']);
    expect(plan([entitlement], [old, active({ ...old, privilege: '*' })]).actions).toEqual([]);
  });

  it('refuses a membership that also carries access a grant still covers (never removes covered access)', () => {
    const viaGroup = { action: 'remove-user-from-group', userName: 'bob', groupName: 'ops' };
    const { actions } = plan(
      [aws('user/bob', 'AdministratorAccess', 'group/ops', viaGroup), aws('user/bob', 'IAMFullAccess', 'group/ops', viaGroup)],
      [expired('G3', 'aws:arn:aws:iam::111111111111:user/bob', 'aws', '111111111111', 'AdministratorAccess'), active(expired('G4', 'aws:arn:aws:iam::111111111111:user/bob', 'aws', '111111111111', 'IAMFullAccess'))],
    );
    expect(actions).toEqual([expect.objectContaining({ status: 'refused', reason: 'the same object also gives IAMFullAccess, which grant G4-active still covers: refused (narrow it by hand)' })]);
  });

  it('refuses what no revoker removes exactly (widening is never an option)', () => {
    const base: Entitlement = { ...github('carol'), privilege: 'repo-admin', via: 'org-base-permission', ref: { org: 'acme', kind: 'org-base-permission' } };
    const { actions } = plan([base], [expired('G5', 'github:acme/carol', 'github', 'acme', 'repo-admin')]);
    expect(actions).toEqual([expect.objectContaining({ status: 'refused', reason: expect.stringContaining('no revoker removes exactly this (via org-base-permission)') })]);
  });

  it('refuses every protected kind: AWS root, service-linked and reserved roles, Kubernetes system: subjects and bindings', () => {
    const grants = [
      expired('R', 'aws:arn:aws:iam::111111111111:root', 'aws', '*', '*'),
      expired('S', 'aws:arn:aws:iam::111111111111:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport', 'aws', '*', '*'),
      expired('O', 'aws:arn:aws:iam::111111111111:role/AWSReservedSSO_Admin_0123', 'aws', '*', '*'),
      expired('D', 'aws:arn:aws:iam::111111111111:role/DutyboundReadOnly', 'aws', '*', '*'),
      expired('K', 'kubernetes:prod/User:system:kube-proxy', 'kubernetes', 'prod', '*'),
      expired('B', 'kubernetes:prod/User:ann@example.com', 'kubernetes', 'prod', '*'),
    ];
    const detach = (kind: 'user' | 'role', name: string) => ({ action: `detach-${kind}-policy`, [`${kind}Name`]: name, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const { actions } = plan(
      [
        { ...aws('root', 'AdministratorAccess', 'direct', detach('user', '<root>')) },
        aws('role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport', 'AdministratorAccess', 'direct', detach('role', 'AWSServiceRoleForSupport')),
        aws('role/AWSReservedSSO_Admin_0123', 'AdministratorAccess', 'direct', detach('role', 'AWSReservedSSO_Admin_0123')),
        aws('role/DutyboundReadOnly', 'AdministratorAccess', 'direct', detach('role', 'DutyboundReadOnly')),
        kube('system:kube-proxy', 'proxy'),
        kube('ann@example.com', 'system:custom'),
      ],
      grants,
    );
    expect(actions.map((a) => a.reason).sort()).toEqual([
      'protected: binding system:custom is a Kubernetes system: binding',
      "protected: role DutyboundReadOnly is dutybound's own role (aws.roleName)",
      'protected: role AWSReservedSSO_Admin_0123 is service-linked or AWS-reserved',
      'protected: role AWSServiceRoleForSupport is service-linked or AWS-reserved',
      'protected: system:kube-proxy is a Kubernetes system: subject',
      'protected: the AWS root user is never touched',
    ].sort());
    expect(actions.every((a) => a.status === 'refused')).toBe(true);
  });

  it('keeps the last two GitHub owners: of three expired owners, one is demoted', () => {
    const owners = ['ann', 'ben', 'cat'].map(github);
    const { actions } = plan(owners, owners.map((e, i) => expired(`G${i}`, e.principal, 'github', 'acme', 'org-owner')));
    expect(actions.map((a) => [a.principal, a.status])).toEqual(
      expect.arrayContaining([['github:acme/ann', 'planned'], ['github:acme/ben', 'refused'], ['github:acme/cat', 'refused']]),
    );
    expect(actions.find((a) => a.principal === 'github:acme/ben')!.reason).toBe('protected: github:acme/ben is one of the last 2 owners of acme');
  });

  it('does not count a pending owner invitation as an owner', () => {
    const owners = ['ann', 'ben'].map(github);
    const invited: Entitlement = { ...github('newowner'), via: 'invitation', ref: { org: 'acme', kind: 'org-invitation', invitationId: 1 } };
    const { actions } = plan([...owners, invited], [expired('G-ann', 'github:acme/ann', 'github', 'acme', 'org-owner')]);
    expect(actions).toEqual([expect.objectContaining({ principal: 'github:acme/ann', status: 'refused' })]);
  });

  it('acts only on the rules in enforce.rules; credential rules only when named', () => {
    const entitlement = aws('user/erin', 'AdministratorAccess', 'direct', { action: 'detach-user-policy', userName: 'erin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    expect(plan([entitlement], []).actions).toEqual([]); // standing-privilege is not an enforce rule by default
    expect(plan([entitlement], [], { enforce: { rules: ['standing-privilege'] } }).actions.map((a) => a.status)).toEqual(['planned']);
  });
});
