// Identity Center assignments from the fake sso-admin and identitystore APIs.
import { afterEach, describe, expect, it } from 'vitest';
import { collectAws } from '../../connectors/aws/collect.ts';
import { awsSchema, type AwsConfigInput } from '../../connectors/aws/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake, type AwsFaults } from '../../src/sim/aws/server.ts';

const now = new Date('2026-11-20T12:00:00Z');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const setup = async (faults?: AwsFaults) => {
  const estate = createAwsEstate(21, { accounts: 2, principalsPerAccount: 6, identityCenterUsers: 6 });
  fake = await startAwsFake(estate, { now: () => now, faults });
  return estate;
};
const collect = (section: AwsConfigInput, onlyTarget?: string) =>
  collectAws(awsSchema.parse(section), { now, log: silentLogger, baseDir: '/', onlyTarget }, { endpoint: fake!.url, credentials, reportPollMs: 5, pageSize: 4 });

describe('Identity Center', () => {
  it('lists users with their emails and expands group assignments to members', async () => {
    const estate = await setup();
    const ic = estate.identityCenter!;
    const result = await collect({ organization: { enabled: true }, identityCenter: { enabled: true } });
    const target = `identitycenter:${ic.identityStoreId}`;
    expect(result.coverage.map((c) => [c.target, c.status])).toEqual([...estate.accounts.map((a) => [a.id, 'ok']), [target, 'ok']]);
    const users = result.principals.filter((p) => p.kind === 'identity-center-user');
    expect(users).toHaveLength(6);
    expect(users[0]).toEqual({ id: `aws:identitycenter:${ic.identityStoreId}/user/sso.user0`, system: 'aws', target, kind: 'identity-center-user', human: true, name: 'sso.user0', email: 'sso.user0@example.com' });

    const ofUser = (n: number) => result.entitlements.filter((e) => e.principal === `aws:identitycenter:${ic.identityStoreId}/user/sso.user${n}`);
    const [a0, a1] = estate.accounts.map((a) => a.id);
    // sso.user0 is in oncall (every fifth user): AdministratorAccess on every account, via the group.
    const admin = ofUser(0).filter((e) => e.privilege === 'AdministratorAccess');
    expect(admin.map((e) => e.target)).toEqual([a0, a1]);
    expect(admin[0]).toMatchObject({ level: 'admin', privileged: true, via: 'group/oncall', resource: '*', ref: { action: 'delete-group-membership', identityStoreId: ic.identityStoreId, membershipId: `m-${ic.users[0]!.id}-oncall`, groupName: 'oncall' } });
    // sso.user1 is a reader: read-only, not privileged.
    expect(ofUser(1).filter((e) => e.privilege === 'ReadOnly').map((e) => [e.target, e.level, e.privileged, e.via])).toEqual([
      [a0, 'read', false, 'group/readers'],
      [a1, 'read', false, 'group/readers'],
    ]);
    // The direct (JIT-style) assignments of Deployer: iam:PassRole on * makes it privileged.
    const jit = result.entitlements.filter((e) => e.privilege === 'Deployer');
    expect(jit).toHaveLength(ic.assignments.filter((x) => x.principalType === 'USER').length);
    expect(jit[0]).toMatchObject({ level: 'write', privileged: true, via: 'direct', ref: { action: 'delete-account-assignment', instanceArn: ic.instanceArn, principalType: 'USER', permissionSetArn: ic.permissionSets[2]!.arn } });
    const perSet = new Map<string, number>();
    for (const e of result.entitlements.filter((x) => x.principal.includes(':identitycenter:'))) perSet.set(e.privilege, (perSet.get(e.privilege) ?? 0) + 1);
    expect(Object.fromEntries(perSet)).toEqual({ AdministratorAccess: 2 * 2, ReadOnly: 3 * 2, Deployer: 2 });
    // Pages of 4: six users in two pages, three permission sets in one.
    expect(fake!.calls.byOperation.get('identitystore:ListUsers')).toBe(2);
    expect(fake!.calls.byOperation.get('sso:ListPermissionSets')).toBe(1);
    expect(fake!.calls.byOperation.get('sso:ListAccountAssignments')).toBe(3 * 2);
  });

  it('restricts assignments to the account named by --only', async () => {
    const estate = await setup();
    const only = estate.accounts[1]!.id;
    const result = await collect({ organization: { enabled: true }, identityCenter: { enabled: true } }, only);
    expect(new Set(result.entitlements.map((e) => e.target))).toEqual(new Set([only]));
    expect(result.entitlements.some((e) => e.principal.includes(':identitycenter:'))).toBe(true);
  });

  it('reports Identity Center failed and the accounts still complete when it is denied', async () => {
    const estate = await setup({ deniedOperations: ['sso:ListPermissionSets'] });
    const result = await collect({ organization: { enabled: true }, identityCenter: { enabled: true, identityStoreId: estate.identityCenter!.identityStoreId, instanceArn: estate.identityCenter!.instanceArn } });
    expect(result.coverage.find((c) => c.target.startsWith('identitycenter:'))).toEqual({ system: 'aws', target: `identitycenter:${estate.identityCenter!.identityStoreId}`, status: 'failed', error: expect.stringMatching(/^sso:ListPermissionSets: AccessDeniedException: /) });
    expect(result.coverage.filter((c) => c.status === 'ok').map((c) => c.target)).toEqual(estate.accounts.map((a) => a.id));
    expect(result.principals.some((p) => p.kind === 'identity-center-user')).toBe(false);
  });
});
