// Revokers against the fake: each removes exactly its entitlement (or deactivates one key),
// returns the prior state, and restore puts it back.
import { afterEach, describe, expect, it } from 'vitest';
import { collectAws } from '../../connectors/aws/collect.ts';
import { awsPermissions } from '../../connectors/aws/permissions.ts';
import { createAwsRevokers } from '../../connectors/aws/revoke.ts';
import { awsSchema } from '../../connectors/aws/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import type { Credential, Entitlement } from '../../src/model/index.ts';
import { createAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake } from '../../src/sim/aws/server.ts';
import { revokeVerified } from '../fixtures/revoke.ts';

const now = new Date('2026-11-20T12:00:00Z');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ctx = { now, log: silentLogger, baseDir: '/' };
let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const setup = async () => {
  const estate = createAwsEstate(31, { accounts: 2, principalsPerAccount: 14, identityCenterUsers: 5 });
  fake = await startAwsFake(estate, { now: () => now });
  const config = awsSchema.parse({ organization: { enabled: true }, identityCenter: { enabled: true } });
  const options = { endpoint: fake.url, credentials };
  const collect = () => collectAws(config, ctx, { ...options, reportPollMs: 5 });
  const revokers = createAwsRevokers(options);
  const revokerFor = (item: { entitlement?: Entitlement; credential?: Credential }) => {
    const found = revokers.filter((r) => r.handles(item));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { estate, config, collect, revokerFor, revokers };
};

const key = (e: Entitlement) => `${e.principal}|${e.target}|${e.privilege}|${e.via}`;

describe('AWS revokers', () => {
  it('remove exactly what their ref names, and restore it', async () => {
    const { config, collect, revokerFor } = await setup();
    const before = await collect();
    const pick = (action: string, extra: (e: Entitlement) => boolean = () => true) => {
      const found = before.entitlements.find((e) => e.ref?.action === action && extra(e));
      expect(found, action).toBeDefined();
      return found!;
    };
    const chosen = [
      pick('detach-user-policy'),
      pick('detach-role-policy'),
      pick('delete-role-policy'),
      pick('delete-user-policy'),
      pick('remove-user-from-group', (e) => before.entitlements.filter((x) => x.principal === e.principal && x.via === e.via).length > 1),
      pick('delete-account-assignment'),
      pick('delete-group-membership'),
    ];
    for (const entitlement of chosen) {
      const revoker = revokerFor({ entitlement });
      const prior = await revokeVerified(revoker, { entitlement }, config, ctx);
      expect(prior.action, revoker.id).toBe(entitlement.ref!.action);
      const after = await collect();
      const gone = new Set(before.entitlements.map(key));
      for (const e of after.entitlements) gone.delete(key(e));
      // Leaving a group takes every entitlement the user holds through it (on every account), nothing else.
      const viaGroup = ['remove-user-from-group', 'delete-group-membership'].includes(String(entitlement.ref!.action));
      const expected = viaGroup ? before.entitlements.filter((e) => e.principal === entitlement.principal && e.via === entitlement.via) : [entitlement];
      expect(expected.length, revoker.id).toBeGreaterThanOrEqual(viaGroup ? 2 : 1);
      expect([...gone].sort(), revoker.id).toEqual(expected.map(key).sort());
      if (entitlement.ref!.action === 'delete-role-policy') expect(JSON.parse(String(prior.policyDocument))).toMatchObject({ Statement: [{ Effect: 'Allow' }] });
      await revoker.restore!(prior, config, ctx);
      expect((await collect()).entitlements, `${revoker.id} restored`).toEqual(before.entitlements);
    }
  });

  it('with aws.revokeSessions, also deny the role\'s older sessions, and restore puts the role back as it was', async () => {
    const { estate, collect, revokerFor } = await setup();
    const config = awsSchema.parse({ organization: { enabled: true }, identityCenter: { enabled: true }, revokeSessions: true });
    const before = await collect();
    const entitlement = before.entitlements.find((e) => e.ref?.action === 'detach-role-policy')!;
    const role = estate.accounts.flatMap((a) => a.roles).find((r) => r.name === entitlement.ref!.roleName)!;
    const inlineBefore = structuredClone(role.inline);
    const revoker = revokerFor({ entitlement });
    const prior = await revokeVerified(revoker, { entitlement }, config, ctx);
    expect(prior.sessionsPolicy).toBeNull();
    const deny = role.inline.find((p) => p.name === 'AWSRevokeOlderSessions');
    expect(deny?.document).toMatchObject({ Statement: [{ Effect: 'Deny', Action: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } } }] });
    await revoker.restore!(prior, config, ctx);
    expect(role.inline).toEqual(inlineBefore);
    expect((await collect()).entitlements).toEqual(before.entitlements);
  });

  it('deactivate exactly one access key, never delete it, and restore it', async () => {
    const { estate, config, collect, revokerFor } = await setup();
    const before = await collect();
    const credential = before.credentials.find((c) => c.kind === 'access-key' && c.status === 'active' && before.credentials.filter((x) => x.principal === c.principal && x.kind === 'access-key').length === 2)
      ?? before.credentials.find((c) => c.kind === 'access-key' && c.status === 'active')!;
    const revoker = revokerFor({ credential });
    const prior = await revokeVerified(revoker, { credential }, config, ctx);
    const user = estate.accounts.flatMap((a) => a.users).find((u) => credential.principal?.endsWith(`:user/${u.name}`) && u.keys.some((k) => k.id === prior.accessKeyId))!;
    expect(user.keys.find((k) => k.id === prior.accessKeyId)?.active).toBe(false);
    const after = await collect();
    expect(after.credentials.filter((c) => c.status !== before.credentials.find((b) => b.id === c.id)?.status).map((c) => [c.id, c.status])).toEqual([[credential.id, 'inactive']]);
    expect(after.credentials).toHaveLength(before.credentials.length);
    await revoker.restore!(prior, config, ctx);
    expect((await collect()).credentials).toEqual(before.credentials);
  });

  it('refuse protected roles, ambiguous keys and refs they cannot read; root keys are not theirs', async () => {
    const { config, revokerFor, revokers } = await setup();
    const base = { system: 'aws' as const, target: '100000000000', resource: '*', level: 'admin' as const, privileged: true, via: 'direct' };
    const linked: Entitlement = { ...base, principal: 'aws:arn:aws:iam::100000000000:role/aws-service-role/x/AWSServiceRoleForSupport', privilege: 'AWSSupportServiceRolePolicy', ref: { action: 'detach-role-policy', account: '100000000000', roleName: 'AWSServiceRoleForSupport', policyArn: 'arn:aws:iam::aws:policy/x' } };
    await expect(revokerFor({ entitlement: linked }).read({ entitlement: linked }, config, ctx)).rejects.toThrow(/service-linked/);
    const own: Entitlement = { ...linked, ref: { ...linked.ref, roleName: 'DutyboundReadOnly' } };
    await expect(revokerFor({ entitlement: own }).read({ entitlement: own }, config, ctx)).rejects.toThrow(/dutybound's own role/);
    const noRef: Entitlement = { ...linked, ref: { action: 'remove-user-from-group', account: '100000000000' } };
    await expect(revokerFor({ entitlement: noRef }).read({ entitlement: noRef }, config, ctx)).rejects.toThrow(/ref.userName is missing/);
    const rootKey: Credential = { id: 'k', system: 'aws', target: '100000000000', kind: 'root-access-key', createdAt: '2020-01-01T00:00:00.000Z', status: 'active', ref: { action: 'deactivate-access-key', account: '100000000000', userName: '<root_account>', createdAt: '2020-01-01T00:00:00.000Z' } };
    expect(revokers.filter((r) => r.handles({ credential: rootKey }))).toEqual([]);
    const unknownKey: Credential = { ...rootKey, kind: 'access-key', ref: { action: 'deactivate-access-key', account: '100000000000', userName: 'svc-1', createdAt: '1999-01-01T00:00:00.000Z' } };
    // A key that is gone is no access to revoke: read says so, nothing is written.
    expect(await revokerFor({ credential: unknownKey }).read({ credential: unknownKey }, config, ctx)).toBeUndefined();
  });

  it('declare their permissions in the enforce policy, and scanning needs only reads', () => {
    const doc = awsPermissions();
    const actions = (policy: unknown) => (policy as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
    for (const revoker of createAwsRevokers()) for (const permission of revoker.permissions) expect(actions(doc.enforce)).toContain(permission);
    expect(actions(doc.scan).filter((a) => !/:(Get|List|Describe|Generate)/.test(a) && a !== 'sts:AssumeRole')).toEqual([]);
    expect(actions(doc.scan)).toEqual(expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport', 'organizations:ListAccounts', 'sso:ListAccountAssignments', 'identitystore:ListGroupMemberships']));
    expect(actions(doc.scan)).not.toContain('iam:UpdateAccessKey');
    expect(actions(doc.enforce)).not.toContain('iam:DeleteAccessKey');
  });
});
