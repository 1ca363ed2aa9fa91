// A plain description of an AWS estate for the fake: an Organization of accounts with IAM
// users, groups, roles and managed policies, their keys and passwords, and Identity Center.
// The same description renders as the AWS CLI's exports, so live collection and export import
// can be compared.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../random.ts';

export interface FakePolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[] | Record<string, unknown>;
}
export interface FakeInline {
  name: string;
  document: FakePolicyDocument;
}
export interface FakeTag {
  Key: string;
  Value: string;
}
export interface FakeKey {
  id: string;
  createdAt: string;
  active: boolean;
  lastUsed: string | null;
}
export interface FakeUser {
  name: string;
  path?: string;
  createdAt: string;
  groups: string[];
  attached: string[];
  inline: FakeInline[];
  tags: FakeTag[];
  boundary?: string;
  password?: { lastChanged: string; lastUsed: string | null };
  mfa: boolean;
  keys: FakeKey[];
}
export interface FakeGroup {
  name: string;
  path?: string;
  createdAt: string;
  attached: string[];
  inline: FakeInline[];
}
export interface FakeRole {
  name: string;
  path?: string;
  createdAt: string;
  trust: FakePolicyDocument;
  attached: string[];
  inline: FakeInline[];
  tags: FakeTag[];
  boundary?: string;
  lastUsed: string | null;
}
export interface FakeManagedPolicy {
  name: string;
  arn: string;
  path?: string;
  createdAt: string;
  document: FakePolicyDocument;
}
export interface FakeAccount {
  id: string;
  name: string;
  status?: 'ACTIVE' | 'SUSPENDED';
  users: FakeUser[];
  groups: FakeGroup[];
  roles: FakeRole[];
  policies: FakeManagedPolicy[];
  root?: { createdAt: string; mfa: boolean; passwordLastUsed: string | null; keys: FakeKey[] };
  /** When its current credential report was generated (absent: none yet). */
  reportGeneratedAt?: string;
}
export interface FakePermissionSet {
  arn: string;
  name: string;
  managedPolicies: string[];
  inline?: FakePolicyDocument;
  createdAt: string;
}
export interface FakeIdentityCenter {
  instanceArn: string;
  identityStoreId: string;
  users: { id: string; userName: string; email: string; displayName: string }[];
  groups: { id: string; name: string; members: { userId: string; membershipId: string }[] }[];
  permissionSets: FakePermissionSet[];
  assignments: { accountId: string; permissionSetArn: string; principalType: 'USER' | 'GROUP'; principalId: string }[];
}
export interface FakeAwsEstate {
  /** The caller's own account (the Organization's management account). */
  managementAccount: string;
  accounts: FakeAccount[];
  /** ExternalId the member roles require, when set. */
  externalId?: string;
  /** Role name the member accounts trust. */
  roleName: string;
  identityCenter?: FakeIdentityCenter;
}

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';


export const iso = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString();

export interface EstateSize {
  accounts: number;
  /** Users + roles per account (groups and policies come on top). */
  principalsPerAccount: number;
  identityCenterUsers?: number;
  /** The estate's "now": dates are spread over the year before. */
  now?: string;
}

/** A seeded estate of any size: users with keys and passwords, groups, roles, policies. */
export const createAwsEstate = (seed: number, size: EstateSize): FakeAwsEstate => {
  const random = seededRandom(seed);
  const now = Date.parse(size.now ?? '2026-11-20T00:00:00Z');
  const day = 86_400_000;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const daysAgo = (max: number) => iso(now - Math.floor(random() * max * day) - Math.floor(random() * day));
  const keyId = (n: number) => `AKIA${n.toString(36).toUpperCase().padStart(16, '0')}`;
  let keys = 0;
  const accounts: FakeAccount[] = [];
  for (let a = 0; a < size.accounts; a += 1) {
    const id = String(100000000000 + a * 1111).padStart(12, '0');
    const custom = (name: string, document: FakePolicyDocument): FakeManagedPolicy => ({ name, arn: `arn:aws:iam::${id}:policy/${name}`, createdAt: daysAgo(900), document });
    const policies: FakeManagedPolicy[] = [
      { name: 'AdministratorAccess', arn: ADMIN, path: '/', createdAt: '2015-02-06T18:39:46.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      { name: 'ReadOnlyAccess', arn: READ_ONLY, path: '/', createdAt: '2015-02-06T18:39:48.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:Get*', 'iam:List*'], Resource: '*' }] } },
      custom('deploy', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:UpdateFunctionCode'], Resource: '*' }] }),
      custom('s3-writer', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::data/*' }] }),
      custom('no-iam', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] }),
    ];
    const groups: FakeGroup[] = [
      { name: 'admins', createdAt: daysAgo(900), attached: [ADMIN], inline: [] },
      { name: 'developers', createdAt: daysAgo(900), attached: [READ_ONLY, `arn:aws:iam::${id}:policy/s3-writer`], inline: [{ name: 'logs', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } }] },
      { name: 'auditors', createdAt: daysAgo(900), attached: [READ_ONLY], inline: [] },
    ];
    const users: FakeUser[] = [];
    const roles: FakeRole[] = [];
    const userCount = Math.ceil(size.principalsPerAccount * 0.6);
    for (let u = 0; u < userCount; u += 1) {
      const human = random() < 0.6;
      const name = human ? `person${u}` : `svc-${u}`;
      const userKeys: FakeKey[] = [];
      const keyCount = human ? (random() < 0.3 ? 1 : 0) : random() < 0.15 ? 2 : 1;
      for (let k = 0; k < keyCount; k += 1) {
        keys += 1;
        userKeys.push({ id: keyId(keys + seed * 1_000_000), createdAt: daysAgo(400 - k * 200), active: random() < 0.85, lastUsed: random() < 0.2 ? null : daysAgo(60) });
      }
      // Two keys of one user never share a creation second.
      if (userKeys.length === 2 && userKeys[0]!.createdAt === userKeys[1]!.createdAt) userKeys[1]!.createdAt = iso(Date.parse(userKeys[1]!.createdAt) - 1000);
      const r = random();
      users.push({
        name,
        path: '/',
        createdAt: daysAgo(800),
        groups: human ? (r < 0.1 ? ['admins'] : r < 0.8 ? ['developers'] : ['auditors']) : [],
        attached: human ? (random() < 0.05 ? [ADMIN] : []) : [pick([`arn:aws:iam::${id}:policy/deploy`, `arn:aws:iam::${id}:policy/s3-writer`])],
        inline: !human && random() < 0.2 ? [{ name: 'extra', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } }] : [],
        tags: human ? [{ Key: 'email', Value: `${name}@example.com` }] : [],
        ...(random() < 0.05 ? { boundary: `arn:aws:iam::${id}:policy/no-iam` } : {}),
        ...(human ? { password: { lastChanged: daysAgo(700), lastUsed: random() < 0.1 ? null : daysAgo(90) } } : {}),
        mfa: human && random() < 0.8,
        keys: userKeys,
      });
    }
    for (let r = userCount; r < size.principalsPerAccount; r += 1) {
      const service = random() < 0.5;
      roles.push({
        name: service ? `app-${r}` : `ops-${r}`,
        path: '/',
        createdAt: daysAgo(800),
        trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: service ? { Service: 'lambda.amazonaws.com' } : { AWS: `arn:aws:iam::${size.accounts > 1 ? '100000000000' : id}:root` }, Action: 'sts:AssumeRole' }] },
        attached: service ? [`arn:aws:iam::${id}:policy/s3-writer`] : [pick([ADMIN, READ_ONLY, `arn:aws:iam::${id}:policy/deploy`])],
        inline: random() < 0.1 ? [{ name: 'inline-admin', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } }] : [],
        tags: service ? [] : [{ Key: 'owner', Value: r % 2 ? 'platform@example.com' : 'platform' }],
        lastUsed: random() < 0.3 ? null : daysAgo(120),
      });
    }
    roles.push({
      name: 'AWSServiceRoleForSupport',
      path: '/aws-service-role/support.amazonaws.com/',
      createdAt: daysAgo(900),
      trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      attached: [],
      inline: [],
      tags: [],
      lastUsed: null,
    });
    accounts.push({
      id,
      name: a === 0 ? 'management' : `workload-${a}`,
      status: 'ACTIVE',
      users,
      groups,
      roles,
      policies,
      root: { createdAt: daysAgo(1000), mfa: random() < 0.9, passwordLastUsed: random() < 0.5 ? null : daysAgo(200), keys: [] },
    });
  }
  const estate: FakeAwsEstate = { managementAccount: accounts[0]?.id ?? '100000000000', accounts, roleName: 'DutyboundReadOnly' };
  if (size.identityCenterUsers) {
    const storeId = 'd-9067000000';
    const instanceArn = 'arn:aws:sso:::instance/ssoins-7223000000000000';
    const users = Array.from({ length: size.identityCenterUsers }, (_, i) => ({
      id: `9067-user-${String(i).padStart(4, '0')}`,
      userName: `sso.user${i}`,
      email: `sso.user${i}@example.com`,
      displayName: `SSO User ${i}`,
    }));
    const permissionSets: FakePermissionSet[] = [
      { arn: `${instanceArn}/ps-admin000000000000`, name: 'AdministratorAccess', managedPolicies: [ADMIN], createdAt: daysAgo(500) },
      { arn: `${instanceArn}/ps-readonly00000000`, name: 'ReadOnly', managedPolicies: [READ_ONLY], createdAt: daysAgo(500) },
      { arn: `${instanceArn}/ps-deployer00000000`, name: 'Deployer', managedPolicies: [], inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'cloudformation:*'], Resource: '*' }] }, createdAt: daysAgo(500) },
    ];
    const groups = [
      { id: '9067-group-oncall', name: 'oncall', members: users.filter((_, i) => i % 5 === 0).map((u) => ({ userId: u.id, membershipId: `m-${u.id}-oncall` })) },
      { id: '9067-group-readers', name: 'readers', members: users.filter((_, i) => i % 2 === 1).map((u) => ({ userId: u.id, membershipId: `m-${u.id}-readers` })) },
    ];
    const assignments: FakeIdentityCenter['assignments'] = [];
    for (const account of accounts) {
      assignments.push({ accountId: account.id, permissionSetArn: permissionSets[1]!.arn, principalType: 'GROUP', principalId: groups[1]!.id });
      assignments.push({ accountId: account.id, permissionSetArn: permissionSets[0]!.arn, principalType: 'GROUP', principalId: groups[0]!.id });
      const jit = users[Math.floor(random() * users.length)];
      if (jit) assignments.push({ accountId: account.id, permissionSetArn: permissionSets[2]!.arn, principalType: 'USER', principalId: jit.id });
    }
    estate.identityCenter = { instanceArn, identityStoreId: storeId, users, groups, permissionSets, assignments };
  }
  return estate;
};

// ---- The AWS CLI's exports of one account ----

const cliTime = (value: string): string => value.replace('.000Z', '+00:00');

const arnOf = (account: string, kind: 'user' | 'group' | 'role', path: string | undefined, name: string) => `arn:aws:iam::${account}:${kind}${path ?? '/'}${name}`;

/** Entity id the fake gives a user, group, role or policy (stable per name). */
export const entityId = (prefix: string, account: string, name: string): string => {
  let h = 0;
  for (const ch of `${account}/${name}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${prefix}${account.slice(0, 4)}${h.toString(36).toUpperCase().padStart(8, '0')}`.slice(0, 21);
};

/** The JSON `aws iam get-account-authorization-details` prints (dates as the CLI prints them). */
export const authorizationDetailsOf = (account: FakeAccount) => {
  const usedPolicies = new Set([...account.users, ...account.groups, ...account.roles].flatMap((e) => e.attached));
  for (const u of account.users) if (u.boundary) usedPolicies.add(u.boundary);
  for (const r of account.roles) if (r.boundary) usedPolicies.add(r.boundary);
  return {
    UserDetailList: account.users.map((u) => ({
      Path: u.path ?? '/',
      UserName: u.name,
      UserId: entityId('AIDA', account.id, u.name),
      Arn: arnOf(account.id, 'user', u.path, u.name),
      CreateDate: cliTime(u.createdAt),
      ...(u.inline.length ? { UserPolicyList: u.inline.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })) } : {}),
      GroupList: u.groups,
      AttachedManagedPolicies: u.attached.map((arn) => ({ PolicyName: policyName(account, arn), PolicyArn: arn })),
      ...(u.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: u.boundary } } : {}),
      Tags: u.tags,
    })),
    GroupDetailList: account.groups.map((g) => ({
      Path: g.path ?? '/',
      GroupName: g.name,
      GroupId: entityId('AGPA', account.id, g.name),
      Arn: arnOf(account.id, 'group', g.path, g.name),
      CreateDate: cliTime(g.createdAt),
      GroupPolicyList: g.inline.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
      AttachedManagedPolicies: g.attached.map((arn) => ({ PolicyName: policyName(account, arn), PolicyArn: arn })),
    })),
    RoleDetailList: account.roles.map((r) => ({
      Path: r.path ?? '/',
      RoleName: r.name,
      RoleId: entityId('AROA', account.id, r.name),
      Arn: arnOf(account.id, 'role', r.path, r.name),
      CreateDate: cliTime(r.createdAt),
      AssumeRolePolicyDocument: r.trust,
      InstanceProfileList: [],
      RolePolicyList: r.inline.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
      AttachedManagedPolicies: r.attached.map((arn) => ({ PolicyName: policyName(account, arn), PolicyArn: arn })),
      ...(r.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.boundary } } : {}),
      Tags: r.tags,
      RoleLastUsed: r.lastUsed ? { LastUsedDate: cliTime(r.lastUsed), Region: 'us-east-1' } : {},
    })),
    Policies: account.policies
      .filter((p) => usedPolicies.has(p.arn) || !p.arn.startsWith('arn:aws:iam::aws:'))
      .map((p) => ({
        PolicyName: p.name,
        PolicyId: entityId('ANPA', account.id, p.name),
        Arn: p.arn,
        Path: p.path ?? '/',
        DefaultVersionId: 'v1',
        AttachmentCount: [...account.users, ...account.groups, ...account.roles].filter((e) => e.attached.includes(p.arn)).length,
        PermissionsBoundaryUsageCount: [...account.users, ...account.roles].filter((e) => e.boundary === p.arn).length,
        IsAttachable: true,
        CreateDate: cliTime(p.createdAt),
        UpdateDate: cliTime(p.createdAt),
        PolicyVersionList: [{ Document: p.document, VersionId: 'v1', IsDefaultVersion: true, CreateDate: cliTime(p.createdAt) }],
      })),
  };
};

export const policyName = (account: FakeAccount, arn: string): string => account.policies.find((p) => p.arn === arn)?.name ?? arn.split('/').at(-1)!;

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const reportTime = (value: string | null | undefined): string => (value ? value.replace('.000Z', '+00:00') : 'N/A');
const keyColumns = (key: FakeKey | undefined): string[] =>
  key
    ? [String(key.active), reportTime(key.createdAt), reportTime(key.lastUsed), key.lastUsed ? 'us-east-1' : 'N/A', key.lastUsed ? 'iam' : 'N/A']
    : ['false', 'N/A', 'N/A', 'N/A', 'N/A'];

/** The credential report's CSV, as GetCredentialReport returns it (decoded). */
export const credentialReportOf = (account: FakeAccount): string => {
  const rows = [HEADER];
  if (account.root) {
    const r = account.root;
    rows.push(['<root_account>', `arn:aws:iam::${account.id}:root`, reportTime(r.createdAt), 'not_supported', reportTime(r.passwordLastUsed), 'not_supported', 'not_supported', String(r.mfa), ...keyColumns(r.keys[0]), ...keyColumns(r.keys[1]), 'false', 'N/A', 'false', 'N/A'].join(','));
  }
  for (const u of account.users) {
    const keys = [...u.keys].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    rows.push(
      [
        u.name,
        arnOf(account.id, 'user', u.path, u.name),
        reportTime(u.createdAt),
        String(Boolean(u.password)),
        u.password ? reportTime(u.password.lastUsed) : 'N/A',
        u.password ? reportTime(u.password.lastChanged) : 'N/A',
        'N/A',
        String(u.mfa),
        ...keyColumns(keys[0]),
        ...keyColumns(keys[1]),
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
  }
  return rows.join('\n') + '\n';
};

/** Write each account's CLI exports into `dir`; returns the `aws.exports` entries naming them. */
export const writeAwsExports = async (estate: FakeAwsEstate, dir: string): Promise<{ account: string; authorizationDetails: string; credentialReport: string }[]> => {
  const entries = [];
  for (const account of estate.accounts) {
    const authorizationDetails = join(dir, `${account.id}-authz.json`);
    const credentialReport = join(dir, `${account.id}-credential-report.json`);
    await writeFile(authorizationDetails, JSON.stringify(authorizationDetailsOf(account), null, 2));
    // As `aws iam get-credential-report` prints it: the CSV in base64 inside JSON.
    await writeFile(credentialReport, JSON.stringify({ Content: Buffer.from(credentialReportOf(account)).toString('base64'), ReportFormat: 'text/csv', GeneratedTime: account.reportGeneratedAt ?? '2026-11-20T00:00:00+00:00' }));
    entries.push({ account: account.id, authorizationDetails, credentialReport });
  }
  return entries;
};
