// IAM Identity Center: permission sets assigned to users and groups on accounts — the usual
// place of just-in-time grants (AWS TEAM creates and deletes these assignments). Group
// assignments are expanded to their members.
import type { IdentitystoreClient} from '@aws-sdk/client-identitystore';
import { paginateListGroupMemberships, paginateListGroups, paginateListUsers } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import pLimit from 'p-limit';
import type { Entitlement, Principal } from '../../src/model/index.ts';
import { classifyPolicy, maxLevel, parsePolicyDocument, type ClassifierLists, type PolicyDocument } from './classify.ts';
import { stepError } from './live.ts';
import { appendAll } from '../../src/model/collections.ts';

export interface PermissionSet {
  arn: string;
  name: string;
  managedPolicies: { name: string; arn: string }[];
  customerManagedPolicies: string[];
  inline?: PolicyDocument;
}

export interface IdentityCenterData {
  instanceArn: string;
  identityStoreId: string;
  users: Map<string, { userName: string; email?: string; displayName?: string }>;
  groups: Map<string, { name: string; members: { userId: string; membershipId: string }[] }>;
  permissionSets: Map<string, PermissionSet>;
  assignments: { accountId: string; permissionSetArn: string; principalType: 'USER' | 'GROUP'; principalId: string }[];
}

/** Readable and unique: the identity store and the user name (the sign-in name). */
export const identityCenterUserId = (identityStoreId: string, userName: string): string => `aws:identitycenter:${identityStoreId}/user/${userName}`;
export const identityCenterTarget = (identityStoreId: string): string => `identitycenter:${identityStoreId}`;

const collectAll = async <P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined, step: string): Promise<T[]> => {
  const out: T[] = [];
  try {
    for await (const page of pages) appendAll(out, items(page) ?? []);
  } catch (error) {
    throw stepError(step, error);
  }
  return out;
};

export const fetchIdentityCenter = async (
  sso: SSOAdminClient,
  store: IdentitystoreClient,
  settings: { instanceArn?: string; identityStoreId?: string; concurrency: number; pageSize?: number },
): Promise<IdentityCenterData> => {
  let { instanceArn, identityStoreId } = settings;
  if (!instanceArn || !identityStoreId) {
    const instances = await collectAll(paginateListInstances({ client: sso }, {}), (p) => p.Instances, 'sso:ListInstances');
    const instance = instanceArn ? instances.find((i) => i.InstanceArn === instanceArn) : instances[0];
    if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error('sso:ListInstances: no Identity Center instance found');
    instanceArn ??= instance.InstanceArn;
    identityStoreId ??= instance.IdentityStoreId;
  }
  const limit = pLimit(settings.concurrency);
  const paging = settings.pageSize ? { pageSize: settings.pageSize } : {};
  const InstanceArn = instanceArn;
  const IdentityStoreId = identityStoreId;

  const [userList, groupList, permissionSetArns] = await Promise.all([
    collectAll(paginateListUsers({ client: store, ...paging }, { IdentityStoreId }), (p) => p.Users, 'identitystore:ListUsers'),
    collectAll(paginateListGroups({ client: store, ...paging }, { IdentityStoreId }), (p) => p.Groups, 'identitystore:ListGroups'),
    collectAll(paginateListPermissionSets({ client: sso, ...paging }, { InstanceArn }), (p) => p.PermissionSets, 'sso:ListPermissionSets'),
  ]);
  const users = new Map(
    userList.map((u) => [u.UserId ?? '', { userName: u.UserName ?? u.UserId ?? '', email: (u.Emails?.find((e) => e.Primary) ?? u.Emails?.[0])?.Value, displayName: u.DisplayName }]),
  );
  const groups = new Map(
    await Promise.all(
      groupList.map((g) =>
        limit(async () => {
          const members = await collectAll(paginateListGroupMemberships({ client: store, ...paging }, { IdentityStoreId, GroupId: g.GroupId }), (p) => p.GroupMemberships, `identitystore:ListGroupMemberships ${g.DisplayName}`);
          return [g.GroupId ?? '', { name: g.DisplayName ?? g.GroupId ?? '', members: members.filter((m) => m.MemberId?.UserId).map((m) => ({ userId: m.MemberId!.UserId!, membershipId: m.MembershipId ?? '' })) }] as const;
        }),
      ),
    ),
  );
  const permissionSets = new Map<string, PermissionSet>();
  const assignments: IdentityCenterData['assignments'] = [];
  await Promise.all(
    permissionSetArns.map((PermissionSetArn) =>
      limit(async () => {
        const input = { InstanceArn, PermissionSetArn };
        const [described, managed, customer, inline, accounts] = await Promise.all([
          sso.send(new DescribePermissionSetCommand(input)).catch((e: unknown) => Promise.reject(stepError('sso:DescribePermissionSet', e))),
          collectAll(paginateListManagedPoliciesInPermissionSet({ client: sso, ...paging }, input), (p) => p.AttachedManagedPolicies, 'sso:ListManagedPoliciesInPermissionSet'),
          collectAll(paginateListCustomerManagedPolicyReferencesInPermissionSet({ client: sso, ...paging }, input), (p) => p.CustomerManagedPolicyReferences, 'sso:ListCustomerManagedPolicyReferencesInPermissionSet'),
          sso.send(new GetInlinePolicyForPermissionSetCommand(input)).catch((e: unknown) => Promise.reject(stepError('sso:GetInlinePolicyForPermissionSet', e))),
          collectAll(paginateListAccountsForProvisionedPermissionSet({ client: sso, ...paging }, input), (p) => p.AccountIds, 'sso:ListAccountsForProvisionedPermissionSet'),
        ]);
        permissionSets.set(PermissionSetArn, {
          arn: PermissionSetArn,
          name: described.PermissionSet?.Name ?? PermissionSetArn,
          managedPolicies: managed.map((m) => ({ name: m.Name ?? '', arn: m.Arn ?? '' })),
          customerManagedPolicies: customer.map((c) => `${c.Path ?? '/'}${c.Name ?? ''}`),
          ...(inline.InlinePolicy ? { inline: parsePolicyDocument(inline.InlinePolicy) } : {}),
        });
        for (const AccountId of accounts) {
          const rows = await collectAll(paginateListAccountAssignments({ client: sso, ...paging }, { ...input, AccountId }), (p) => p.AccountAssignments, `sso:ListAccountAssignments ${AccountId}`);
          for (const row of rows) {
            if (row.PrincipalType !== 'USER' && row.PrincipalType !== 'GROUP') continue;
            assignments.push({ accountId: AccountId, permissionSetArn: PermissionSetArn, principalType: row.PrincipalType, principalId: row.PrincipalId ?? '' });
          }
        }
      }),
    ),
  );
  return { instanceArn: InstanceArn, identityStoreId: IdentityStoreId, users, groups, permissionSets, assignments };
};

/** A permission set classified from its parts: managed policies (documents when known), inline policy. */
export const classifyPermissionSet = (ps: PermissionSet, documents: Map<string, PolicyDocument>, now: Date, lists: ClassifierLists) => {
  const parts: { name: string; document?: PolicyDocument }[] = [
    ...ps.managedPolicies.map((m) => ({ name: m.name, document: documents.get(m.arn) })),
    ...(ps.inline ? [{ name: `inline:${ps.name}`, document: ps.inline }] : []),
  ];
  const denies = parts.flatMap((p) => p.document?.Statement.filter((s) => s.Effect === 'Deny') ?? []);
  const results = [classifyPolicy(ps.name, undefined, { denies, now, lists }), ...parts.map((p) => classifyPolicy(p.name, p.document, { denies, now, lists }))];
  // A permission set with nothing in it grants nothing; with only customer-managed references it is at least write.
  const level = maxLevel([...results.map((r) => r.level), ...(ps.customerManagedPolicies.length ? (['write'] as const) : [])]);
  return { level, privileged: results.some((r) => r.privileged) };
};

export interface IdentityCenterInventory {
  principals: Principal[];
  entitlements: Entitlement[];
}

export const buildIdentityCenter = (
  data: IdentityCenterData,
  options: { now: Date; lists: ClassifierLists; documents: Map<string, PolicyDocument>; accounts?: Set<string> },
): IdentityCenterInventory => {
  const target = identityCenterTarget(data.identityStoreId);
  const principals: Principal[] = [...data.users.entries()].map(([, u]) => ({
    id: identityCenterUserId(data.identityStoreId, u.userName),
    system: 'aws',
    target,
    kind: 'identity-center-user',
    human: true,
    name: u.userName,
    ...(u.email ? { email: u.email } : {}),
  }));
  const classes = new Map([...data.permissionSets.values()].map((ps) => [ps.arn, classifyPermissionSet(ps, options.documents, options.now, options.lists)]));
  const entitlements: Entitlement[] = [];
  for (const a of data.assignments) {
    if (options.accounts && !options.accounts.has(a.accountId)) continue;
    const ps = data.permissionSets.get(a.permissionSetArn);
    const c = classes.get(a.permissionSetArn);
    if (!ps || !c) continue;
    const base = { system: 'aws' as const, target: a.accountId, resource: '*', privilege: ps.name, level: c.level, privileged: c.privileged };
    if (a.principalType === 'USER') {
      const user = data.users.get(a.principalId);
      if (!user) continue;
      entitlements.push({
        ...base,
        principal: identityCenterUserId(data.identityStoreId, user.userName),
        via: 'direct',
        ref: { action: 'delete-account-assignment', instanceArn: data.instanceArn, accountId: a.accountId, permissionSetArn: a.permissionSetArn, principalType: 'USER', principalId: a.principalId },
      });
      continue;
    }
    const group = data.groups.get(a.principalId);
    for (const member of group?.members ?? []) {
      const user = data.users.get(member.userId);
      if (!user || !group) continue;
      entitlements.push({
        ...base,
        principal: identityCenterUserId(data.identityStoreId, user.userName),
        via: `group/${group.name}`,
        ref: { action: 'delete-group-membership', identityStoreId: data.identityStoreId, membershipId: member.membershipId, groupId: a.principalId, groupName: group.name, userId: member.userId },
      });
    }
  }
  return { principals, entitlements };
};
