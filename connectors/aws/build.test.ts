import { describe, expect, it } from 'vitest';
import { parseAuthorizationDetails } from './authz.ts';
import { buildAccount } from './build.ts';
import { DEFAULT_ADMIN_ACTIONS, DEFAULT_ADMIN_POLICIES, DEFAULT_ESCALATION_ACTIONS } from './classify.ts';
import { parseCredentialReport } from './credentialReport.ts';

const A = '111122223333';
const options = {
  emailTag: 'email',
  ownerTag: 'owner',
  breakGlassTag: 'dutybound:break-glass',
  includeServiceLinkedRoles: false,
  includeReservedRoles: false,
  classifier: { adminActions: [...DEFAULT_ADMIN_ACTIONS], adminPolicies: [...DEFAULT_ADMIN_POLICIES], escalationActions: [...DEFAULT_ESCALATION_ACTIONS] },
  now: new Date('2026-11-20T00:00:00Z'),
};
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
const s3Only = `arn:aws:iam::${A}:policy/s3-only`;
const policy = (arn: string, name: string, Statement: unknown[]) => ({ PolicyName: name, Arn: arn, PolicyVersionList: [{ Document: { Statement }, IsDefaultVersion: true }] });
const user = (name: string, extra: Record<string, unknown> = {}) => ({ UserName: name, UserId: `AIDA${name}`, Arn: `arn:aws:iam::${A}:user/${name}`, CreateDate: '2024-01-01T00:00:00Z', Path: '/', GroupList: [], AttachedManagedPolicies: [], Tags: [], ...extra });

const details = parseAuthorizationDetails([
  {
    UserDetailList: [
      user('bounded', { AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }], PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: s3Only } }),
      user('denied-by-group', { AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }], GroupList: ['no-iam'], Tags: [{ Key: 'Email', Value: 'ann@example.com' }, { Key: 'dutybound:break-glass', Value: 'true' }] }),
      user('unknown-boundary', { Tags: [{ Key: 'owner', Value: 'team-ci@example.com' }], UserPolicyList: [{ PolicyName: 'pass', PolicyDocument: encodeURIComponent(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] })) }], PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${A}:policy/gone` } }),
    ],
    GroupDetailList: [{ GroupName: 'no-iam', GroupId: 'AGPA1', Arn: `arn:aws:iam::${A}:group/no-iam`, CreateDate: '2024-01-01T00:00:00Z', GroupPolicyList: [{ PolicyName: 'deny-iam', PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] } }], AttachedManagedPolicies: [] }],
    RoleDetailList: [],
    Policies: [policy(admin, 'AdministratorAccess', [{ Effect: 'Allow', Action: '*', Resource: '*' }]), policy(s3Only, 's3-only', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])],
  },
]);

const report = parseCredentialReport(
  [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    `<root_account>,arn:aws:iam::${A}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    `bounded,arn:aws:iam::${A}:user/bounded,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ].join('\n'),
);

describe('buildAccount', () => {
  const inventory = buildAccount({ account: A, details, report }, options);
  const of = (name: string) => inventory.entitlements.filter((e) => e.principal === `aws:arn:aws:iam::${A}:user/${name}`);

  it('applies the permissions boundary and the Deny statements of group policies to every policy the user holds', () => {
    expect(of('bounded')).toEqual([expect.objectContaining({ privilege: 'AdministratorAccess', level: 'write', privileged: false })]);
    expect(of('denied-by-group').map((e) => [e.privilege, e.via, e.level, e.privileged])).toEqual([
      // Deny iam:* leaves `*` minus iam: not admin, but sts:AssumeRole and other escalations remain.
      ['AdministratorAccess', 'direct', 'write', true],
      ['inline:deny-iam', 'group/no-iam', 'read', false],
    ]);
  });

  it('ignores a boundary whose document is unknown, and says so', () => {
    expect(of('unknown-boundary')[0]).toMatchObject({ privilege: 'inline:pass', privileged: true });
    expect(inventory.notes).toContain(`managed policy without a document (classified by name only): arn:aws:iam::${A}:policy/gone`);
  });

  it('takes email and break-glass from tags, human from the console password', () => {
    const p = (name: string) => inventory.principals.find((x) => x.name === name);
    expect(p('denied-by-group')).toMatchObject({ email: 'ann@example.com', breakGlass: true, human: true });
    expect(p('bounded')).toMatchObject({ human: false, mfa: false, lastUsedAt: null });
    expect(p('bounded')?.email).toBeUndefined();
    expect(p('unknown-boundary')).toMatchObject({ human: 'unknown', owner: 'team-ci@example.com' });
    expect(p('denied-by-group')?.owner).toBeUndefined();
    expect(p('unknown-boundary')?.lastUsedAt).toBeUndefined();
  });

  it('gives the root user a principal and its never-used key a privileged credential', () => {
    expect(inventory.principals.find((x) => x.kind === 'root')).toMatchObject({ id: `aws:arn:aws:iam::${A}:root`, lastUsedAt: null, mfa: false });
    expect(inventory.credentials).toEqual([
      expect.objectContaining({ id: `aws:arn:aws:iam::${A}:root/access-key/2021-01-01T00:00:00.000Z`, kind: 'root-access-key', status: 'active', lastUsedAt: null, privileged: true, createdAt: '2021-01-01T00:00:00.000Z' }),
    ]);
    expect(inventory.notes).toContain('root user has an active access key');
  });
});
