// Revokers used by enforce mode: each removes exactly the entitlement its `ref` names, or
// deactivates one access key (never deletes it), and returns the prior state for `restore`.
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
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateGroupMembershipCommand, DeleteGroupMembershipCommand } from '@aws-sdk/client-identitystore';
import { CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand, DescribeAccountAssignmentDeletionStatusCommand } from '@aws-sdk/client-sso-admin';
import type { Credential, Entitlement } from '../../src/model/index.ts';
import type { CollectContext, Revoker } from '../types.ts';
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

/** Credentials for an account, as collection gets them: the configured role, or the caller's own account. */
const iamFor = async (account: string, config: AwsConfig, clients: AwsClients): Promise<IAMClient> => {
  const entry = config.accounts.map((a) => (typeof a === 'string' ? { id: a } : a)).find((a) => a.id === account);
  if (entry) return clients.iam(await clients.assumeRole(account, entry.roleName ?? config.roleName, entry.externalId ?? config.externalId));
  if (config.organization.enabled) return clients.iam(await clients.assumeRole(account, config.organization.roleName ?? config.roleName, config.organization.externalId ?? config.externalId));
  if (config.accounts.length === 0 && (await clients.callerAccount()) === account) return clients.iam();
  throw new RevokeRefused(`account ${account} is not in the aws section of the config`);
};

const withIam = async <T>(options: AwsClientOptions, config: AwsConfig, account: string, work: (iam: IAMClient) => Promise<T>): Promise<T> => {
  const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options);
  try {
    const iam = await iamFor(account, config, clients);
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

/** Revokers talking to the endpoint in `options` (the simulated estate in tests; the SDK's own settings otherwise). */
export const createAwsRevokers = (options: AwsClientOptions = {}): Revoker<AwsConfig>[] => [
  {
    id: 'aws-detach-managed-policy',
    description: 'Detach a managed policy from an IAM user or role.',
    permissions: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:AttachUserPolicy', 'iam:AttachRolePolicy'],
    handles: (item) => action(item) === 'detach-user-policy' || action(item) === 'detach-role-policy',
    async revoke(item, config) {
      const ref = entRef(item);
      const account = str(ref, 'account');
      const policyArn = str(ref, 'policyArn');
      const isUser = ref.action === 'detach-user-policy';
      const name = str(ref, isUser ? 'userName' : 'roleName');
      if (!isUser) guardRole(name, config);
      await withIam(options, config, account, (iam) =>
        (isUser ? iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: policyArn })) : iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }))),
      );
      return { action: ref.action, account, [isUser ? 'userName' : 'roleName']: name, policyArn };
    },
    async restore(prior, config) {
      const isUser = prior.action === 'detach-user-policy';
      const name = str(prior, isUser ? 'userName' : 'roleName');
      const policyArn = str(prior, 'policyArn');
      await withIam(options, config, str(prior, 'account'), (iam) =>
        (isUser ? iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policyArn })) : iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }))),
      );
    },
  },
  {
    id: 'aws-delete-inline-policy',
    description: 'Delete an inline policy of an IAM user or role, recording its document first.',
    permissions: ['iam:GetUserPolicy', 'iam:GetRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:PutUserPolicy', 'iam:PutRolePolicy'],
    handles: (item) => action(item) === 'delete-user-policy' || action(item) === 'delete-role-policy',
    async revoke(item, config) {
      const ref = entRef(item);
      const account = str(ref, 'account');
      const policyName = str(ref, 'policyName');
      const isUser = ref.action === 'delete-user-policy';
      const name = str(ref, isUser ? 'userName' : 'roleName');
      if (!isUser) guardRole(name, config);
      const policyDocument = await withIam(options, config, account, async (iam) => {
        const got = isUser
          ? await iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }))
          : await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
        if (!got.PolicyDocument) throw new Error(`inline policy ${policyName} of ${name} has no document: not deleted`);
        const document = decodeURIComponent(got.PolicyDocument);
        await (isUser ? iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: policyName })) : iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })));
        return document;
      });
      return { action: ref.action, account, [isUser ? 'userName' : 'roleName']: name, policyName, policyDocument };
    },
    async restore(prior, config) {
      const isUser = prior.action === 'delete-user-policy';
      const name = str(prior, isUser ? 'userName' : 'roleName');
      const input = { PolicyName: str(prior, 'policyName'), PolicyDocument: str(prior, 'policyDocument') };
      await withIam(options, config, str(prior, 'account'), (iam) =>
        (isUser ? iam.send(new PutUserPolicyCommand({ UserName: name, ...input })) : iam.send(new PutRolePolicyCommand({ RoleName: name, ...input }))),
      );
    },
  },
  {
    id: 'aws-remove-from-group',
    description: 'Remove an IAM user from the group its entitlement comes through.',
    permissions: ['iam:RemoveUserFromGroup', 'iam:AddUserToGroup'],
    handles: (item) => action(item) === 'remove-user-from-group',
    async revoke(item, config) {
      const ref = entRef(item);
      const account = str(ref, 'account');
      const input = { UserName: str(ref, 'userName'), GroupName: str(ref, 'groupName') };
      await withIam(options, config, account, (iam) => iam.send(new RemoveUserFromGroupCommand(input)));
      return { action: 'remove-user-from-group', account, userName: input.UserName, groupName: input.GroupName };
    },
    async restore(prior, config) {
      await withIam(options, config, str(prior, 'account'), (iam) => iam.send(new AddUserToGroupCommand({ UserName: str(prior, 'userName'), GroupName: str(prior, 'groupName') })));
    },
  },
  {
    id: 'aws-deactivate-access-key',
    description: 'Set one IAM access key Inactive (never deleted), matched by its id or its exact creation time.',
    permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
    handles: (item) => item.credential?.system === 'aws' && item.credential.kind === 'access-key' && item.credential.ref?.action === 'deactivate-access-key',
    async revoke(item, config) {
      const credential = item.credential;
      if (!credential?.ref) throw new RevokeRefused('not an AWS access key with a ref');
      const ref = credential.ref;
      const account = str(ref, 'account');
      const userName = str(ref, 'userName');
      return withIam(options, config, account, async (iam) => {
        const keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
        const wanted = typeof ref.accessKeyId === 'string' ? keys.filter((k) => k.AccessKeyId === ref.accessKeyId) : keys.filter((k) => k.CreateDate?.toISOString() === ref.createdAt);
        if (wanted.length !== 1) throw new RevokeRefused(`access key of ${userName} created ${String(ref.createdAt)}: ${wanted.length} keys match, expected exactly one: nothing deactivated`);
        const key = wanted[0]!;
        await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId, Status: 'Inactive' }));
        return { action: 'deactivate-access-key', account, userName, accessKeyId: key.AccessKeyId, status: key.Status };
      });
    },
    async restore(prior, config) {
      if (prior.status !== 'Active') return;
      await withIam(options, config, str(prior, 'account'), (iam) => iam.send(new UpdateAccessKeyCommand({ UserName: str(prior, 'userName'), AccessKeyId: str(prior, 'accessKeyId'), Status: 'Active' })));
    },
  },
  {
    id: 'aws-delete-account-assignment',
    description: 'Delete one Identity Center account assignment (a permission set given to a user on an account).',
    permissions: ['sso:DeleteAccountAssignment', 'sso:DescribeAccountAssignmentDeletionStatus', 'sso:CreateAccountAssignment'],
    handles: (item) => action(item) === 'delete-account-assignment',
    async revoke(item, config, ctx: CollectContext) {
      const ref = entRef(item);
      const input = {
        InstanceArn: str(ref, 'instanceArn'),
        TargetId: str(ref, 'accountId'),
        TargetType: 'AWS_ACCOUNT' as const,
        PermissionSetArn: str(ref, 'permissionSetArn'),
        PrincipalType: str(ref, 'principalType') as 'USER' | 'GROUP',
        PrincipalId: str(ref, 'principalId'),
      };
      const clients = awsClients({ region: config.identityCenter.region ?? config.region, maxAttempts: config.maxAttempts }, options);
      const sso = clients.ssoAdmin(config.identityCenter.region ?? config.region);
      try {
        let status = (await sso.send(new DeleteAccountAssignmentCommand(input))).AccountAssignmentDeletionStatus;
        for (let poll = 0; status?.Status === 'IN_PROGRESS' && poll < 20; poll += 1) {
          await sleep(Math.min(500 * 2 ** poll, 5000));
          status = (await sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: input.InstanceArn, AccountAssignmentDeletionRequestId: status.RequestId }))).AccountAssignmentDeletionStatus;
        }
        if (status?.Status !== 'SUCCEEDED') throw new Error(`sso:DeleteAccountAssignment: ${status?.Status ?? 'no status'}${status?.FailureReason ? `: ${status.FailureReason}` : ''}`);
        ctx.log.info(`aws: deleted assignment of ${input.PermissionSetArn} to ${input.PrincipalType} ${input.PrincipalId} on ${input.TargetId}`);
        return { action: 'delete-account-assignment', instanceArn: input.InstanceArn, accountId: input.TargetId, permissionSetArn: input.PermissionSetArn, principalType: input.PrincipalType, principalId: input.PrincipalId };
      } finally {
        sso.destroy();
        clients.destroy();
      }
    },
    async restore(prior, config) {
      const clients = awsClients({ region: config.identityCenter.region ?? config.region, maxAttempts: config.maxAttempts }, options);
      const sso = clients.ssoAdmin(config.identityCenter.region ?? config.region);
      try {
        await sso.send(
          new CreateAccountAssignmentCommand({ InstanceArn: str(prior, 'instanceArn'), TargetId: str(prior, 'accountId'), TargetType: 'AWS_ACCOUNT', PermissionSetArn: str(prior, 'permissionSetArn'), PrincipalType: str(prior, 'principalType') as 'USER' | 'GROUP', PrincipalId: str(prior, 'principalId') }),
        );
      } finally {
        sso.destroy();
        clients.destroy();
      }
    },
  },
  {
    id: 'aws-remove-group-membership',
    description: 'Remove an Identity Center user from the group its assignment comes through.',
    permissions: ['identitystore:DeleteGroupMembership', 'identitystore:CreateGroupMembership'],
    handles: (item) => action(item) === 'delete-group-membership',
    async revoke(item, config) {
      const ref = entRef(item);
      const identityStoreId = str(ref, 'identityStoreId');
      const membershipId = str(ref, 'membershipId');
      const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options);
      const store = clients.identityStore(config.identityCenter.region ?? config.region);
      try {
        await store.send(new DeleteGroupMembershipCommand({ IdentityStoreId: identityStoreId, MembershipId: membershipId }));
        return { action: 'delete-group-membership', identityStoreId, membershipId, groupId: str(ref, 'groupId'), userId: str(ref, 'userId') };
      } finally {
        store.destroy();
        clients.destroy();
      }
    },
    async restore(prior, config) {
      const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options);
      const store = clients.identityStore(config.identityCenter.region ?? config.region);
      try {
        await store.send(new CreateGroupMembershipCommand({ IdentityStoreId: str(prior, 'identityStoreId'), GroupId: str(prior, 'groupId'), MemberId: { UserId: str(prior, 'userId') } }));
      } finally {
        store.destroy();
        clients.destroy();
      }
    },
  },
];

export const awsRevokers: Revoker<AwsConfig>[] = createAwsRevokers();
