// The fake's answers go through the real SDK deserializers into fully populated objects.
import { GenerateCredentialReportCommand, GetAccountAuthorizationDetailsCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { IdentitystoreClient, ListGroupMembershipsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsEstate } from './estate.ts';
import { startAwsFake, type AwsFake } from './server.ts';

const base = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
const now = new Date('2026-11-20T12:00:00Z');

describe('fake AWS through the real SDK', () => {
  const estate = createAwsEstate(3, { accounts: 2, principalsPerAccount: 12, identityCenterUsers: 6 });
  const member = estate.accounts[1]!;
  let fake: AwsFake;
  let iam: IAMClient;
  beforeAll(async () => {
    fake = await startAwsFake(estate, { now: () => now, faults: { reportPolls: 1 } });
    const sts = new STSClient({ ...base, endpoint: fake.url });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member.id}:role/${estate.roleName}`, RoleSessionName: 'test' }));
    const c = assumed.Credentials!;
    iam = new IAMClient({ ...base, endpoint: fake.url, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
  });
  afterAll(() => fake.close());

  it('STS: AssumeRole and GetCallerIdentity', async () => {
    const sts = new STSClient({ ...base, endpoint: fake.url });
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member.id}:role/${estate.roleName}`, RoleSessionName: 's' }));
    expect(out.Credentials?.AccessKeyId).toMatch(new RegExp(`^ASIA${member.id}`));
    expect(out.Credentials?.SessionToken).toEqual(expect.any(String));
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${member.id}:assumed-role/${estate.roleName}/s`);
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: estate.managementAccount, Arn: expect.stringContaining(':user/dutybound') });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member.id}:role/Other`, RoleSessionName: 's' }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('IAM: GetAccountAuthorizationDetails in the account that signed, with every field', async () => {
    const page = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1000 }));
    expect(page.IsTruncated).toBe(false);
    expect(page.UserDetailList).toHaveLength(member.users.length);
    const fakeUser = member.users.find((u) => u.groups.length && u.tags.length)!;
    const user = page.UserDetailList!.find((u) => u.UserName === fakeUser.name)!;
    expect(user).toMatchObject({ Path: '/', Arn: `arn:aws:iam::${member.id}:user/${fakeUser.name}`, UserId: expect.stringMatching(/^AIDA/), GroupList: fakeUser.groups, Tags: fakeUser.tags });
    expect(user.CreateDate).toEqual(new Date(fakeUser.createdAt));
    expect(Object.keys(page.RoleDetailList![0]!).sort()).toEqual(['Arn', 'AssumeRolePolicyDocument', 'AttachedManagedPolicies', 'CreateDate', 'InstanceProfileList', 'Path', 'RoleId', 'RoleLastUsed', 'RoleName', 'RolePolicyList', 'Tags']);
    expect(Object.keys(page.Policies![0]!).sort()).toEqual(['Arn', 'AttachmentCount', 'CreateDate', 'DefaultVersionId', 'IsAttachable', 'Path', 'PermissionsBoundaryUsageCount', 'PolicyId', 'PolicyName', 'PolicyVersionList', 'UpdateDate']);
    // A role never used: an empty RoleLastUsed, as the CLI prints it.
    expect(page.RoleDetailList!.find((r) => r.RoleName === member.roles.find((x) => !x.lastUsed)!.name)?.RoleLastUsed).toEqual({});
    const role = page.RoleDetailList!.find((r) => r.RoleName === member.roles.find((x) => x.lastUsed)!.name)!;
    expect(role.RoleLastUsed?.LastUsedDate).toBeInstanceOf(Date);
    expect(role.RoleLastUsed?.Region).toBe('us-east-1');
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toMatchObject({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    expect(role.AttachedManagedPolicies?.[0]).toEqual({ PolicyName: expect.any(String), PolicyArn: expect.stringMatching(/^arn:aws:iam::/) });
    const group = page.GroupDetailList!.find((g) => g.GroupName === 'developers')!;
    expect(group.GroupPolicyList?.[0]?.PolicyName).toBe('logs');
    expect(JSON.parse(decodeURIComponent(group.GroupPolicyList![0]!.PolicyDocument!))).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
    const policy = page.Policies!.find((p) => p.PolicyName === 'deploy')!;
    expect(policy).toMatchObject({ Arn: `arn:aws:iam::${member.id}:policy/deploy`, DefaultVersionId: 'v1', IsAttachable: true, AttachmentCount: expect.any(Number) });
    expect(policy.PolicyVersionList?.[0]).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true, CreateDate: expect.any(Date) });
    const bounded = member.users.find((u) => u.boundary);
    if (bounded) expect(page.UserDetailList!.find((u) => u.UserName === bounded.name)?.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: bounded.boundary });
  });

  it('IAM: pages with Marker and MaxItems', async () => {
    const first = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 5 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    const count = (p: typeof first) => (p.UserDetailList?.length ?? 0) + (p.GroupDetailList?.length ?? 0) + (p.RoleDetailList?.length ?? 0) + (p.Policies?.length ?? 0);
    expect(count(first)).toBe(5);
    const second = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 5, Marker: first.Marker }));
    expect(count(second)).toBe(5);
    expect(second.UserDetailList?.[0]?.UserName).not.toBe(first.UserDetailList?.[0]?.UserName);
  });

  it('IAM: credential report generation, content and errors; access keys', async () => {
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({ name: 'CredentialReportNotPresentException' });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({ name: 'CredentialReportNotReadyException' });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toEqual(now);
    const csv = Buffer.from(report.Content!).toString('utf8');
    expect(csv.split('\n')[0]).toMatch(/^user,arn,user_creation_time,password_enabled/);
    expect(csv).toContain(`<root_account>,arn:aws:iam::${member.id}:root`);
    const withKey = member.users.find((u) => u.keys.length)!;
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: withKey.name }));
    expect(keys.AccessKeyMetadata?.[0]).toEqual({ UserName: withKey.name, AccessKeyId: withKey.keys[0]!.id, Status: withKey.keys[0]!.active ? 'Active' : 'Inactive', CreateDate: new Date(withKey.keys[0]!.createdAt) });
  });

  it('Organizations, sso-admin and identitystore (JSON 1.1)', async () => {
    const org = new OrganizationsClient({ ...base, endpoint: fake.url });
    const accounts = await org.send(new ListAccountsCommand({}));
    expect(accounts.Accounts?.map((a) => a.Id)).toEqual(estate.accounts.map((a) => a.id));
    expect(accounts.Accounts?.[1]).toMatchObject({ Name: member.name, Status: 'ACTIVE', Email: expect.stringContaining('@'), JoinedTimestamp: new Date(1_600_000_000_000) });
    const sso = new SSOAdminClient({ ...base, endpoint: fake.url });
    const instances = await sso.send(new ListInstancesCommand({}));
    expect(instances.Instances?.[0]).toMatchObject({ InstanceArn: estate.identityCenter!.instanceArn, IdentityStoreId: estate.identityCenter!.identityStoreId, CreatedDate: expect.any(Date) });
    const ps = estate.identityCenter!.permissionSets[0]!;
    const described = await sso.send(new DescribePermissionSetCommand({ InstanceArn: estate.identityCenter!.instanceArn, PermissionSetArn: ps.arn }));
    expect(described.PermissionSet).toMatchObject({ Name: ps.name, PermissionSetArn: ps.arn, CreatedDate: new Date(ps.createdAt) });
    const assignments = await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: estate.identityCenter!.instanceArn, AccountId: member.id, PermissionSetArn: ps.arn }));
    expect(assignments.AccountAssignments?.[0]).toEqual({ AccountId: member.id, PermissionSetArn: ps.arn, PrincipalType: 'GROUP', PrincipalId: '9067-group-oncall' });
    const store = new IdentitystoreClient({ ...base, endpoint: fake.url });
    const users = await store.send(new ListUsersCommand({ IdentityStoreId: estate.identityCenter!.identityStoreId }));
    expect(users.Users?.[0]).toMatchObject({ UserId: estate.identityCenter!.users[0]!.id, UserName: 'sso.user0', Emails: [{ Value: 'sso.user0@example.com', Primary: true, Type: 'work' }] });
    const members = await store.send(new ListGroupMembershipsCommand({ IdentityStoreId: estate.identityCenter!.identityStoreId, GroupId: '9067-group-oncall' }));
    expect(members.GroupMemberships?.[0]).toMatchObject({ MembershipId: expect.any(String), GroupId: '9067-group-oncall', MemberId: { UserId: estate.identityCenter!.users[0]!.id } });
  });

  it('counts calls per operation and per account', () => {
    expect(fake.calls.byOperation.get('iam:GetAccountAuthorizationDetails')).toBe(3);
    expect(fake.callsByAccount.get(member.id)).toBeGreaterThanOrEqual(9);
  });
});
