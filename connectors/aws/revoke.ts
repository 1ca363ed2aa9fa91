// Revokers used by enforce mode: each reads the exact object its `ref` names (no write), then
// removes exactly that entitlement, or deactivates one access key (never deletes it); the prior
// state read first is what `restore` puts back.
// They refuse what must never be revoked: the root user, service-linked and AWS-reserved roles,
// the scanner's own role.
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateGroupMembershipCommand, DeleteGroupMembershipCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand, DescribeAccountAssignmentDeletionStatusCommand, ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import type { Credential, Entitlement } from '../../src/model/index.ts';
import type { PriorState, Revoker } from '../types.ts';
import { awsClients, type AwsClientOptions, type AwsClients } from './clients.ts';
import type { AwsConfig } from './schema.ts';

type Item = { entitlement?: Entitlement; credential?: Credential };
type Ref = Record<string, unknown>;

export class RevokeRefused extends Error {}

const str = (ref: Ref, key: string): string => {
  const value = ref[key];
  if (typeof value !== 'string' || !value) throw new RevokeRefused(`ref.${key} is missing: refusing to guess what to revoke`);
  return value;
};

const PROTECTED_ROLE = /^(AWSServiceRoleFor|AWSReservedSSO_|OrganizationAccountAccessRole$)/;

const guardRole = (roleName: string, config: AwsConfig): void => {
  if (PROTECTED_ROLE.test(roleName)) throw new RevokeRefused(`role ${roleName} is service-linked, AWS-reserved or the Organization's access role: never revoked`);
  const scannerRoles = new Set([config.roleName, config.organization.roleName, ...config.accounts.map((a) => (typeof a === 'string' ? undefined : a.roleName))]);
  if (scannerRoles.has(roleName)) throw new RevokeRefused(`role ${roleName} is dutybound's own role: never revoked`);
};

/** Assumed-role credentials reused while they have more than this left (a read, a write and a re-read share one session). */
const SESSION_REUSE_MARGIN_MS = 5 * 60_000;
type SessionCache = Map<string, Awaited<ReturnType<AwsClients['assumeRole']>>>;

const assumed = async (clients: AwsClients, sessions: SessionCache, account: string, roleName: string, externalId: string | undefined) => {
  const key = `${account}\u0000${roleName}\u0000${externalId ?? ''}`;
  const cached = sessions.get(key);
  if (cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > SESSION_REUSE_MARGIN_MS)) return cached;
  const fresh = await clients.assumeRole(account, roleName, externalId);
  sessions.set(key, fresh);
  return fresh;
};

/** Credentials for an account, as collection gets them: the configured role, or the caller's own account. */
const iamFor = async (account: string, config: AwsConfig, clients: AwsClients, sessions: SessionCache): Promise<IAMClient> => {
  const entry = config.accounts.map((a) => (typeof a === 'string' ? { id: a } : a)).find((a) => a.id === account);
  if (entry) return clients.iam(await assumed(clients, sessions, account, entry.roleName ?? config.roleName, entry.externalId ?? config.externalId));
  if (config.organization.enabled)
    return clients.iam(await assumed(clients, sessions, account, config.organization.roleName ?? config.roleName, config.organization.externalId ?? config.externalId));
  if (config.accounts.length === 0 && (await clients.callerAccount()) === account) return clients.iam();
  throw new RevokeRefused(`account ${account} is not in the aws section of the config`);
};

const withIam = async <T>(options: AwsClientOptions, sessions: SessionCache, config: AwsConfig, account: string, work: (iam: IAMClient) => Promise<T>): Promise<T> => {
  const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options);
  try {
    const iam = await iamFor(account, config, clients, sessions);
    try {
      return await work(iam);
    } finally {
      iam.destroy();
    }
  } finally {
    clients.destroy();
  }
};

const action = (item: Item): unknown => item.entitlement?.ref?.action;
const entRef = (item: Item): Ref => {
  if (!item.entitlement?.ref || item.entitlement.system !== 'aws') throw new RevokeRefused('not an AWS entitlement with a ref');
  return item.entitlement.ref;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The user, role, policy or membership no longer exists: the access went with it. */
const isGone = (error: unknown): boolean => ['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException'].includes((error as { name?: string }).name ?? '');
const unlessGone = async <T>(work: Promise<T>): Promise<T | undefined> => {
  try {
    return await work;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
};

/** The user or role an entitlement's ref names (roles checked against the protected ones). */
const holderOf = (ref: Ref, config: AwsConfig): { isUser: boolean; name: string } => {
  const isUser = String(ref.action).includes('user');
  const name = str(ref, isUser ? 'userName' : 'roleName');
  if (!isUser) guardRole(name, config);
  return { isUser, name };
};

const withIdentityCenter = async <T>(options: AwsClientOptions, config: AwsConfig, work: (clients: AwsClients, region: string) => Promise<T>): Promise<T> => {
  const region = config.identityCenter.region ?? config.region;
  const clients = awsClients({ region, maxAttempts: config.maxAttempts }, options);
  try {
    return await work(clients, region);
  } finally {
    clients.destroy();
  }
};

/** The inline policy the IAM console's "Revoke active sessions" writes: deny every session issued before `at`. */
export const REVOKE_SESSIONS_POLICY = 'AWSRevokeOlderSessions';
const revokeSessionsDocument = (at: Date) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': at.toISOString() } } }] });

/** With aws.revokeSessions, a role's prior state records its current sessions policy (null: none) so restore can put it back. */
const readSessionsPolicy = async (iam: IAMClient, roleName: string): Promise<string | null> => {
  const got = await unlessGone(iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY })));
  return got?.PolicyDocument ? decodeURIComponent(got.PolicyDocument) : null;
};
const revokeRoleSessions = (iam: IAMClient, roleName: string, at: Date) =>
  iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY, PolicyDocument: revokeSessionsDocument(at) }));
const restoreSessionsPolicy = (iam: IAMClient, roleName: string, before: string | null) =>
  before === null
    ? iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY }))
    : iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY, PolicyDocument: before }));

/** Revokers talking to the endpoint in `options` (the simulated estate in tests; the SDK's own settings otherwise). */
export const createAwsRevokers = (options: AwsClientOptions = {}): Revoker<AwsConfig>[] => {
  const sessions: SessionCache = new Map();
  const iamOf = (config: AwsConfig, account: string) => <T>(work: (iam: IAMClient) => Promise<T>) => withIam(options, sessions, config, account, work);

  const managedPolicy: Revoker<AwsConfig> = {
    id: 'aws-detach-managed-policy',
    description: 'Detach a managed policy from an IAM user or role.',
    permissions: [
      'iam:ListAttachedUserPolicies',
      'iam:ListAttachedRolePolicies',
      'iam:DetachUserPolicy',
      'iam:DetachRolePolicy',
      'iam:AttachUserPolicy',
      'iam:AttachRolePolicy',
      // aws.revokeSessions only: the "revoke older sessions" deny, and putting back what was there.
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
    ],
    handles: (item) => action(item) === 'detach-user-policy' || action(item) === 'detach-role-policy',
    async read(item, config) {
      const ref = entRef(item);
      const [account, policyArn] = [str(ref, 'account'), str(ref, 'policyArn')];
      const { isUser, name } = holderOf(ref, config);
      const attached = await iamOf(config, account)(async (iam) => {
        const arns: string[] = [];
        let marker: string | undefined;
        do {
          const page = isUser
            ? await unlessGone(iam.send(new ListAttachedUserPoliciesCommand({ UserName: name, Marker: marker })))
            : await unlessGone(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker })));
          for (const policy of page?.AttachedPolicies ?? []) arns.push(policy.PolicyArn ?? '');
          marker = page?.IsTruncated ? page.Marker : undefined;
        } while (marker);
        if (!arns.includes(policyArn)) return undefined;
        return { action: ref.action, account, [isUser ? 'userName' : 'roleName']: name, policyArn, ...(!isUser && config.revokeSessions ? { sessionsPolicy: await readSessionsPolicy(iam, name) } : {}) };
      });
      return attached;
    },
    async revoke(_item, prior, config) {
      const { isUser, name } = holderOf(prior, config);
      const policyArn = str(prior, 'policyArn');
      await iamOf(config, str(prior, 'account'))(async (iam) => {
        if (isUser) await iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: policyArn }));
        else await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }));
        if ('sessionsPolicy' in prior) await revokeRoleSessions(iam, name, new Date());
      });
    },
    async restore(prior, config) {
      const { isUser, name } = holderOf(prior, config);
      const policyArn = str(prior, 'policyArn');
      await iamOf(config, str(prior, 'account'))(async (iam) => {
        if (isUser) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policyArn }));
        else await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }));
        if ('sessionsPolicy' in prior) await restoreSessionsPolicy(iam, name, prior.sessionsPolicy as string | null);
      });
    },
  };

  const inlinePolicy: Revoker<AwsConfig> = {
    id: 'aws-delete-inline-policy',
    description: 'Delete an inline policy of an IAM user or role; its document is read and recorded before the delete.',
    permissions: ['iam:GetUserPolicy', 'iam:GetRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:PutUserPolicy', 'iam:PutRolePolicy'],
    handles: (item) => action(item) === 'delete-user-policy' || action(item) === 'delete-role-policy',
    async read(item, config) {
      const ref = entRef(item);
      const [account, policyName] = [str(ref, 'account'), str(ref, 'policyName')];
      const { isUser, name } = holderOf(ref, config);
      return iamOf(config, account)(async (iam) => {
        const got = await unlessGone<{ PolicyDocument?: string }>(
          isUser ? iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName })) : iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
        );
        if (!got) return undefined;
        if (!got.PolicyDocument) throw new Error(`inline policy ${policyName} of ${name} has no document: not deleted`);
        const sessions = !isUser && config.revokeSessions && policyName !== REVOKE_SESSIONS_POLICY ? { sessionsPolicy: await readSessionsPolicy(iam, name) } : {};
        return { action: ref.action, account, [isUser ? 'userName' : 'roleName']: name, policyName, policyDocument: decodeURIComponent(got.PolicyDocument), ...sessions };
      });
    },
    async revoke(_item, prior, config) {
      const { isUser, name } = holderOf(prior, config);
      const input = { PolicyName: str(prior, 'policyName') };
      await iamOf(config, str(prior, 'account'))(async (iam) => {
        if (isUser) await iam.send(new DeleteUserPolicyCommand({ UserName: name, ...input }));
        else await iam.send(new DeleteRolePolicyCommand({ RoleName: name, ...input }));
        if ('sessionsPolicy' in prior) await revokeRoleSessions(iam, name, new Date());
      });
    },
    async restore(prior, config) {
      const { isUser, name } = holderOf(prior, config);
      const input = { PolicyName: str(prior, 'policyName'), PolicyDocument: str(prior, 'policyDocument') };
      await iamOf(config, str(prior, 'account'))(async (iam) => {
        if (isUser) await iam.send(new PutUserPolicyCommand({ UserName: name, ...input }));
        else await iam.send(new PutRolePolicyCommand({ RoleName: name, ...input }));
        if ('sessionsPolicy' in prior) await restoreSessionsPolicy(iam, name, prior.sessionsPolicy as string | null);
      });
    },
  };

  const groupMember: Revoker<AwsConfig> = {
    id: 'aws-remove-from-group',
    description: 'Remove an IAM user from the group its entitlement comes through (never the group\'s policy, which other members hold).',
    permissions: ['iam:ListGroupsForUser', 'iam:RemoveUserFromGroup', 'iam:AddUserToGroup'],
    handles: (item) => action(item) === 'remove-user-from-group',
    async read(item, config) {
      const ref = entRef(item);
      const [account, userName, groupName] = [str(ref, 'account'), str(ref, 'userName'), str(ref, 'groupName')];
      const member = await iamOf(config, account)(async (iam) => {
        let marker: string | undefined;
        do {
          const page = await unlessGone(iam.send(new ListGroupsForUserCommand({ UserName: userName, Marker: marker })));
          if (page?.Groups?.some((group) => group.GroupName === groupName)) return true;
          marker = page?.IsTruncated ? page.Marker : undefined;
        } while (marker);
        return false;
      });
      return member ? { action: 'remove-user-from-group', account, userName, groupName } : undefined;
    },
    async revoke(_item, prior, config) {
      await iamOf(config, str(prior, 'account'))((iam) => iam.send(new RemoveUserFromGroupCommand({ UserName: str(prior, 'userName'), GroupName: str(prior, 'groupName') })));
    },
    async restore(prior, config) {
      await iamOf(config, str(prior, 'account'))((iam) => iam.send(new AddUserToGroupCommand({ UserName: str(prior, 'userName'), GroupName: str(prior, 'groupName') })));
    },
  };

  const accessKey: Revoker<AwsConfig> = {
    id: 'aws-deactivate-access-key',
    description: 'Set one IAM access key Inactive (never deleted), matched by its id or its exact creation time.',
    permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
    handles: (item) => item.credential?.system === 'aws' && item.credential.kind === 'access-key' && item.credential.ref?.action === 'deactivate-access-key',
    async read(item, config) {
      const ref = item.credential?.ref;
      if (!ref) throw new RevokeRefused('not an AWS access key with a ref');
      const [account, userName] = [str(ref, 'account'), str(ref, 'userName')];
      const keys = (await iamOf(config, account)((iam) => unlessGone(iam.send(new ListAccessKeysCommand({ UserName: userName })))))?.AccessKeyMetadata ?? [];
      const wanted = typeof ref.accessKeyId === 'string' ? keys.filter((k) => k.AccessKeyId === ref.accessKeyId) : keys.filter((k) => k.CreateDate?.toISOString() === ref.createdAt);
      if (wanted.length > 1) throw new RevokeRefused(`access key of ${userName} created ${String(ref.createdAt)}: ${wanted.length} keys match, expected exactly one: nothing deactivated`);
      const key = wanted[0];
      if (!key || key.Status !== 'Active') return undefined;
      return { action: 'deactivate-access-key', account, userName, accessKeyId: key.AccessKeyId, status: key.Status };
    },
    async revoke(_item, prior, config) {
      await iamOf(config, str(prior, 'account'))((iam) => iam.send(new UpdateAccessKeyCommand({ UserName: str(prior, 'userName'), AccessKeyId: str(prior, 'accessKeyId'), Status: 'Inactive' })));
    },
    async restore(prior, config) {
      if (prior.status !== 'Active') return;
      await iamOf(config, str(prior, 'account'))((iam) => iam.send(new UpdateAccessKeyCommand({ UserName: str(prior, 'userName'), AccessKeyId: str(prior, 'accessKeyId'), Status: 'Active' })));
    },
  };

  const assignmentOf = (prior: PriorState) => ({
    InstanceArn: str(prior, 'instanceArn'),
    TargetId: str(prior, 'accountId'),
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: str(prior, 'permissionSetArn'),
    PrincipalType: str(prior, 'principalType') as 'USER' | 'GROUP',
    PrincipalId: str(prior, 'principalId'),
  });

  const accountAssignment: Revoker<AwsConfig> = {
    id: 'aws-delete-account-assignment',
    description: 'Delete one Identity Center account assignment (a permission set given to a user on an account). Sessions already issued last until they expire.',
    permissions: ['sso:ListAccountAssignments', 'sso:DeleteAccountAssignment', 'sso:DescribeAccountAssignmentDeletionStatus', 'sso:CreateAccountAssignment'],
    handles: (item) => action(item) === 'delete-account-assignment',
    async read(item, config) {
      const ref = entRef(item);
      const prior = { action: 'delete-account-assignment', instanceArn: str(ref, 'instanceArn'), accountId: str(ref, 'accountId'), permissionSetArn: str(ref, 'permissionSetArn'), principalType: str(ref, 'principalType'), principalId: str(ref, 'principalId') };
      const present = await withIdentityCenter(options, config, async (clients, region) => {
        const sso = clients.ssoAdmin(region);
        try {
          let token: string | undefined;
          do {
            const page = await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: prior.instanceArn, AccountId: prior.accountId, PermissionSetArn: prior.permissionSetArn, NextToken: token }));
            if (page.AccountAssignments?.some((a) => a.PrincipalType === prior.principalType && a.PrincipalId === prior.principalId)) return true;
            token = page.NextToken;
          } while (token);
          return false;
        } finally {
          sso.destroy();
        }
      });
      return present ? prior : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const input = assignmentOf(prior);
      await withIdentityCenter(options, config, async (clients, region) => {
        const sso = clients.ssoAdmin(region);
        try {
          let status = (await sso.send(new DeleteAccountAssignmentCommand(input))).AccountAssignmentDeletionStatus;
          for (let poll = 0; status?.Status === 'IN_PROGRESS' && poll < 20; poll += 1) {
            await sleep(Math.min(500 * 2 ** poll, 5000));
            status = (await sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: input.InstanceArn, AccountAssignmentDeletionRequestId: status.RequestId }))).AccountAssignmentDeletionStatus;
          }
          if (status?.Status !== 'SUCCEEDED') throw new Error(`sso:DeleteAccountAssignment: ${status?.Status ?? 'no status'}${status?.FailureReason ? `: ${status.FailureReason}` : ''}`);
          ctx.log.info(`aws: deleted assignment of ${input.PermissionSetArn} to ${input.PrincipalType} ${input.PrincipalId} on ${input.TargetId}`);
        } finally {
          sso.destroy();
        }
      });
    },
    async restore(prior, config) {
      await withIdentityCenter(options, config, async (clients, region) => {
        const sso = clients.ssoAdmin(region);
        try {
          await sso.send(new CreateAccountAssignmentCommand(assignmentOf(prior)));
        } finally {
          sso.destroy();
        }
      });
    },
  };

  const identityStoreMember: Revoker<AwsConfig> = {
    id: 'aws-remove-group-membership',
    description: 'Remove an Identity Center user from the group its assignment comes through.',
    permissions: ['identitystore:ListGroupMemberships', 'identitystore:DeleteGroupMembership', 'identitystore:CreateGroupMembership'],
    handles: (item) => action(item) === 'delete-group-membership',
    async read(item, config) {
      const ref = entRef(item);
      const prior = { action: 'delete-group-membership', identityStoreId: str(ref, 'identityStoreId'), membershipId: str(ref, 'membershipId'), groupId: str(ref, 'groupId'), userId: str(ref, 'userId') };
      const present = await withIdentityCenter(options, config, async (clients, region) => {
        const store = clients.identityStore(region);
        try {
          let token: string | undefined;
          do {
            const page = await unlessGone(store.send(new ListGroupMembershipsCommand({ IdentityStoreId: prior.identityStoreId, GroupId: prior.groupId, NextToken: token })));
            if (page?.GroupMemberships?.some((m) => m.MembershipId === prior.membershipId && m.MemberId?.UserId === prior.userId)) return true;
            token = page?.NextToken;
          } while (token);
          return false;
        } finally {
          store.destroy();
        }
      });
      return present ? prior : undefined;
    },
    async revoke(_item, prior, config) {
      await withIdentityCenter(options, config, async (clients, region) => {
        const store = clients.identityStore(region);
        try {
          await store.send(new DeleteGroupMembershipCommand({ IdentityStoreId: str(prior, 'identityStoreId'), MembershipId: str(prior, 'membershipId') }));
        } finally {
          store.destroy();
        }
      });
    },
    async restore(prior, config) {
      await withIdentityCenter(options, config, async (clients, region) => {
        const store = clients.identityStore(region);
        try {
          await store.send(new CreateGroupMembershipCommand({ IdentityStoreId: str(prior, 'identityStoreId'), GroupId: str(prior, 'groupId'), MemberId: { UserId: str(prior, 'userId') } }));
        } finally {
          store.destroy();
        }
      });
    },
  };

  return [managedPolicy, inlinePolicy, groupMember, accessKey, accountAssignment, identityStoreMember];
};

export const awsRevokers: Revoker<AwsConfig>[] = createAwsRevokers();
