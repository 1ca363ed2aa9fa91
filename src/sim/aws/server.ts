// The fake AWS of the simulated estate: IAM and STS (awsQuery, XML), Organizations, IAM
// Identity Center's sso-admin and identitystore (JSON 1.1), on 127.0.0.1. One server answers
// for every account: the account is the one whose credentials signed the request (AssumeRole
// hands out keys that name it). Calls are counted per operation and per account.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../server.ts';
import { authorizationDetailsOf, credentialReportOf, type FakeAccount, type FakeAwsEstate } from './estate.ts';
import { queryError, queryResponse, requestId } from './xml.ts';

export interface AwsFaults {
  /** The first `times` calls of each named operation (`iam:GetAccountAuthorizationDetails`) answer Throttling. */
  throttle?: { operations: string[]; times: number };
  /** AssumeRole into these accounts is denied (AccessDenied). */
  deniedAccounts?: string[];
  /** Calls of these operations answer AccessDenied (`iam:GenerateCredentialReport`). */
  deniedOperations?: string[];
  /** GenerateCredentialReport answers STARTED this many times before COMPLETE (default 1). */
  reportPolls?: number;
  /** Calls of these operations (`iam:RemoveUserFromGroup`) are never answered and change nothing: a write the caller dies in. Read on each call, so a test can lift it. */
  stall?: string[];
}

export interface AwsFakeOptions {
  latencyMs?: number;
  faults?: AwsFaults;
  /** The fake's clock, for credential report ages (default: the real clock). */
  now?: () => Date;
}

export interface AwsFake extends FakeServer {
  estate: FakeAwsEstate;
  /** Calls per account, by the assumed-role credentials that signed them; the caller's own credentials count under `caller`. */
  callsByAccount: Map<string, number>;
}

/** Key of callsByAccount for calls signed with the caller's own (not assumed) credentials. */
export const CALLER = 'caller';

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const xml = { 'content-type': 'text/xml' };
const json11 = { 'content-type': 'application/x-amz-json-1.1' };

class AwsFault extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const encodeDoc = (document: unknown): string => encodeURIComponent(JSON.stringify(document));
const decodeMarker = (marker: string | null | undefined): number => (marker ? Number(Buffer.from(marker, 'base64').toString('utf8')) || 0 : 0);
const encodeMarker = (offset: number): string => Buffer.from(String(offset)).toString('base64');

/** Credential scope of a SigV4 Authorization header: access key id and signing service. */
const signer = (request: FakeRequest): { accessKeyId: string; service: string } => {
  const header = String(request.headers.authorization ?? '');
  const match = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header);
  return { accessKeyId: match?.[1] ?? '', service: match?.[2] ?? '' };
};

export const startAwsFake = async (estate: FakeAwsEstate, options: AwsFakeOptions = {}): Promise<AwsFake> => {
  const faults = options.faults ?? {};
  const clock = options.now ?? (() => new Date());
  const sessionKeys = new Map<string, string>();
  const callsByAccount = new Map<string, number>();
  const operationCalls = new Map<string, number>();
  const reportState = new Map<string, { polls: number }>();
  let sessions = 0;

  const account = (id: string): FakeAccount => {
    const found = estate.accounts.find((a) => a.id === id);
    if (!found) throw new AwsFault(403, 'AccessDenied', `account ${id} is not in this estate`);
    return found;
  };

  const fault = (operation: string, accountId: string): void => {
    const count = (operationCalls.get(operation) ?? 0) + 1;
    operationCalls.set(operation, count);
    if (faults.throttle?.operations.includes(operation) && count <= faults.throttle.times) throw new AwsFault(400, operation.startsWith('iam:') || operation.startsWith('sts:') ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');
    if (faults.deniedOperations?.includes(operation)) {
      throw new AwsFault(403, operation.startsWith('iam:') || operation.startsWith('sts:') ? 'AccessDenied' : 'AccessDeniedException', `User: arn:aws:sts::${accountId}:assumed-role/${estate.roleName}/dutybound is not authorized to perform: ${operation}`);
    }
  };

  // ---- IAM ----
  const gaadItems = (a: FakeAccount) => {
    const details = authorizationDetailsOf(a);
    const wire = {
      UserDetailList: details.UserDetailList.map((u) => ({
        ...u,
        CreateDate: new Date(u.CreateDate.replace('+00:00', 'Z')),
        UserPolicyList: u.UserPolicyList?.map((p) => ({ PolicyName: p.PolicyName, PolicyDocument: encodeDoc(p.PolicyDocument) })),
      })),
      GroupDetailList: details.GroupDetailList.map((g) => ({
        ...g,
        CreateDate: new Date(g.CreateDate.replace('+00:00', 'Z')),
        GroupPolicyList: g.GroupPolicyList.map((p) => ({ PolicyName: p.PolicyName, PolicyDocument: encodeDoc(p.PolicyDocument) })),
      })),
      RoleDetailList: details.RoleDetailList.map((r) => ({
        ...r,
        CreateDate: new Date(r.CreateDate.replace('+00:00', 'Z')),
        AssumeRolePolicyDocument: encodeDoc(r.AssumeRolePolicyDocument),
        RolePolicyList: r.RolePolicyList.map((p) => ({ PolicyName: p.PolicyName, PolicyDocument: encodeDoc(p.PolicyDocument) })),
        RoleLastUsed: 'LastUsedDate' in r.RoleLastUsed ? { LastUsedDate: new Date(String(r.RoleLastUsed.LastUsedDate).replace('+00:00', 'Z')), Region: r.RoleLastUsed.Region } : {},
      })),
      Policies: details.Policies.map((p) => ({
        ...p,
        CreateDate: new Date(p.CreateDate.replace('+00:00', 'Z')),
        UpdateDate: new Date(p.UpdateDate.replace('+00:00', 'Z')),
        PolicyVersionList: p.PolicyVersionList.map((v) => ({ ...v, Document: encodeDoc(v.Document), CreateDate: new Date(v.CreateDate.replace('+00:00', 'Z')) })),
      })),
    };
    return [
      ...wire.UserDetailList.map((item) => ['UserDetailList', item] as const),
      ...wire.GroupDetailList.map((item) => ['GroupDetailList', item] as const),
      ...wire.RoleDetailList.map((item) => ['RoleDetailList', item] as const),
      ...wire.Policies.map((item) => ['Policies', item] as const),
    ];
  };

  const user = (a: FakeAccount, name: string | null) => {
    const found = a.users.find((u) => u.name === name);
    if (!found) throw new AwsFault(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
    return found;
  };
  const role = (a: FakeAccount, name: string | null) => {
    const found = a.roles.find((r) => r.name === name);
    if (!found) throw new AwsFault(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    return found;
  };

  const detailsCache = new Map<string, { version: number; items: ReturnType<typeof gaadItems> }>();
  let version = 0;
  const iam = (action: string, params: URLSearchParams, a: FakeAccount): Record<string, unknown> | undefined => {
    if (!/^(Get|List|Generate)/.test(action)) version += 1;
    switch (action) {
      case 'GetAccountAuthorizationDetails': {
        // Rendered once per account and estate version: pages of one listing see one snapshot.
        let cached = detailsCache.get(a.id);
        if (!cached || cached.version !== version) detailsCache.set(a.id, (cached = { version, items: gaadItems(a) }));
        const items = cached.items;
        const max = Math.min(Number(params.get('MaxItems') ?? 100) || 100, 1000);
        const start = decodeMarker(params.get('Marker'));
        const page = items.slice(start, start + max);
        const truncated = start + max < items.length;
        const result: Record<string, unknown[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
        for (const [list, item] of page) result[list]!.push(item);
        return { ...result, IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(start + max) } : {}) };
      }
      case 'GenerateCredentialReport': {
        const now = clock();
        const fresh = a.reportGeneratedAt && now.getTime() - Date.parse(a.reportGeneratedAt) < 4 * 3_600_000;
        if (fresh) return { State: 'COMPLETE' };
        const state = reportState.get(a.id) ?? { polls: 0 };
        reportState.set(a.id, state);
        if (state.polls < (faults.reportPolls ?? 1)) {
          state.polls += 1;
          return { State: state.polls === 1 ? 'STARTED' : 'INPROGRESS', Description: 'No report exists. Starting a new report generation task' };
        }
        reportState.delete(a.id);
        a.reportGeneratedAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
        return { State: 'COMPLETE' };
      }
      case 'GetCredentialReport': {
        if (reportState.has(a.id)) throw new AwsFault(404, 'ReportInProgress', 'Report is still being generated');
        if (!a.reportGeneratedAt) throw new AwsFault(410, 'ReportNotPresent', 'Credential report not present');
        return { Content: Buffer.from(credentialReportOf(a)).toString('base64'), ReportFormat: 'text/csv', GeneratedTime: a.reportGeneratedAt };
      }
      case 'ListAccessKeys': {
        const u = user(a, params.get('UserName'));
        return { AccessKeyMetadata: u.keys.map((k) => ({ UserName: u.name, AccessKeyId: k.id, Status: k.active ? 'Active' : 'Inactive', CreateDate: k.createdAt })), IsTruncated: false };
      }
      case 'ListAttachedUserPolicies':
      case 'ListAttachedRolePolicies': {
        const entity = action === 'ListAttachedUserPolicies' ? user(a, params.get('UserName')) : role(a, params.get('RoleName'));
        return { AttachedPolicies: entity.attached.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })), IsTruncated: false };
      }
      case 'ListGroupsForUser': {
        const u = user(a, params.get('UserName'));
        const groups = a.groups.filter((g) => u.groups.includes(g.name));
        return { Groups: groups.map((g) => ({ Path: '/', GroupName: g.name, GroupId: `AGPA${g.name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`, Arn: `arn:aws:iam::${a.id}:group/${g.name}`, CreateDate: new Date(g.createdAt) })), IsTruncated: false };
      }
      case 'UpdateAccessKey': {
        const u = user(a, params.get('UserName'));
        const key = u.keys.find((k) => k.id === params.get('AccessKeyId'));
        if (!key) throw new AwsFault(404, 'NoSuchEntity', `The Access Key with id ${params.get('AccessKeyId')} cannot be found.`);
        key.active = params.get('Status') === 'Active';
        return undefined;
      }
      case 'DetachUserPolicy':
      case 'DetachRolePolicy':
      case 'DetachGroupPolicy': {
        const entity = action === 'DetachUserPolicy' ? user(a, params.get('UserName')) : action === 'DetachRolePolicy' ? role(a, params.get('RoleName')) : a.groups.find((g) => g.name === params.get('GroupName'));
        const arn = params.get('PolicyArn') ?? '';
        if (!entity || !entity.attached.includes(arn)) throw new AwsFault(404, 'NoSuchEntity', `Policy ${arn} was not found.`);
        entity.attached = entity.attached.filter((p) => p !== arn);
        return undefined;
      }
      case 'AttachUserPolicy':
      case 'AttachRolePolicy': {
        const entity = action === 'AttachUserPolicy' ? user(a, params.get('UserName')) : role(a, params.get('RoleName'));
        const arn = params.get('PolicyArn') ?? '';
        if (!entity.attached.includes(arn)) entity.attached.push(arn);
        return undefined;
      }
      case 'GetUserPolicy':
      case 'GetRolePolicy': {
        const isUser = action === 'GetUserPolicy';
        const entity = isUser ? user(a, params.get('UserName')) : role(a, params.get('RoleName'));
        const policy = entity.inline.find((p) => p.name === params.get('PolicyName'));
        if (!policy) throw new AwsFault(404, 'NoSuchEntity', `The ${isUser ? 'user' : 'role'} policy with name ${params.get('PolicyName')} cannot be found.`);
        return { [isUser ? 'UserName' : 'RoleName']: entity.name, PolicyName: policy.name, PolicyDocument: encodeDoc(policy.document) };
      }
      case 'DeleteUserPolicy':
      case 'DeleteRolePolicy': {
        const entity = action === 'DeleteUserPolicy' ? user(a, params.get('UserName')) : role(a, params.get('RoleName'));
        const before = entity.inline.length;
        entity.inline = entity.inline.filter((p) => p.name !== params.get('PolicyName'));
        if (entity.inline.length === before) throw new AwsFault(404, 'NoSuchEntity', `The policy with name ${params.get('PolicyName')} cannot be found.`);
        return undefined;
      }
      case 'PutUserPolicy':
      case 'PutRolePolicy': {
        const entity = action === 'PutUserPolicy' ? user(a, params.get('UserName')) : role(a, params.get('RoleName'));
        const name = params.get('PolicyName') ?? '';
        const document = JSON.parse(params.get('PolicyDocument') ?? '{}') as { Statement: Record<string, unknown>[] };
        entity.inline = [...entity.inline.filter((p) => p.name !== name), { name, document }];
        return undefined;
      }
      case 'RemoveUserFromGroup':
      case 'AddUserToGroup': {
        const u = user(a, params.get('UserName'));
        const group = params.get('GroupName') ?? '';
        if (!a.groups.some((g) => g.name === group)) throw new AwsFault(404, 'NoSuchEntity', `The group with name ${group} cannot be found.`);
        if (action === 'RemoveUserFromGroup') {
          if (!u.groups.includes(group)) throw new AwsFault(404, 'NoSuchEntity', `User ${u.name} is not in group ${group}.`);
          u.groups = u.groups.filter((g) => g !== group);
        } else if (!u.groups.includes(group)) u.groups.push(group);
        return undefined;
      }
      default:
        throw new AwsFault(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
    }
  };

  // ---- STS ----
  const sts = (action: string, params: URLSearchParams, callerAccount: string): Record<string, unknown> => {
    if (action === 'GetCallerIdentity') return { UserId: 'AIDADUTYBOUNDSCANNER', Account: callerAccount, Arn: `arn:aws:iam::${callerAccount}:user/dutybound` };
    if (action !== 'AssumeRole') throw new AwsFault(400, 'InvalidAction', `Could not find operation ${action}`);
    const roleArn = params.get('RoleArn') ?? '';
    const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    const target = match?.[1] ?? '';
    const denied = () => new AwsFault(403, 'AccessDenied', `User: arn:aws:iam::${callerAccount}:user/dutybound is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    if (!match || faults.deniedAccounts?.includes(target) || !estate.accounts.some((a) => a.id === target)) throw denied();
    if (match[2] !== estate.roleName) throw denied();
    if (estate.externalId !== undefined && params.get('ExternalId') !== estate.externalId) throw denied();
    sessions += 1;
    const accessKeyId = `ASIA${target}${String(sessions).padStart(4, '0')}`;
    sessionKeys.set(accessKeyId, target);
    return {
      Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: 'fake-secret-access-key', SessionToken: `fake-session-token-${sessions}`, Expiration: new Date(Date.now() + 3_600_000) },
      AssumedRoleUser: { AssumedRoleId: `AROAFAKE:${params.get('RoleSessionName')}`, Arn: `arn:aws:sts::${target}:assumed-role/${match[2]}/${params.get('RoleSessionName')}` },
    };
  };

  // ---- JSON 1.1: Organizations, sso-admin, identitystore ----
  const pageOf = <T>(items: T[], body: Record<string, unknown>, fallback: number): { items: T[]; NextToken?: string } => {
    const start = decodeMarker(body.NextToken as string | undefined);
    const max = Number(body.MaxResults ?? fallback) || fallback;
    const slice = items.slice(start, start + max);
    return start + max < items.length ? { items: slice, NextToken: encodeMarker(start + max) } : { items: slice };
  };
  const center = () => {
    if (!estate.identityCenter) throw new AwsFault(400, 'ResourceNotFoundException', 'No Identity Center instance');
    return estate.identityCenter;
  };
  const permissionSet = (arn: unknown) => {
    const found = center().permissionSets.find((p) => p.arn === arn);
    if (!found) throw new AwsFault(400, 'ResourceNotFoundException', `Permission set ${String(arn)} not found`);
    return found;
  };
  const seconds = (iso: string) => Date.parse(iso) / 1000;

  const jsonApi = (operation: string, body: Record<string, unknown>): unknown => {
    switch (operation) {
      case 'organizations:ListAccounts': {
        const page = pageOf(estate.accounts, body, 20);
        return {
          Accounts: page.items.map((a) => ({ Id: a.id, Arn: `arn:aws:organizations::${estate.managementAccount}:account/o-fake00000/${a.id}`, Email: `aws+${a.name}@example.com`, Name: a.name, Status: a.status ?? 'ACTIVE', JoinedMethod: a.id === estate.managementAccount ? 'CREATED' : 'INVITED', JoinedTimestamp: 1_600_000_000 })),
          ...(page.NextToken ? { NextToken: page.NextToken } : {}),
        };
      }
      case 'sso:ListInstances': {
        const ic = estate.identityCenter;
        return { Instances: ic ? [{ InstanceArn: ic.instanceArn, IdentityStoreId: ic.identityStoreId, OwnerAccountId: estate.managementAccount, Name: 'dutybound-fake', Status: 'ACTIVE', CreatedDate: 1_600_000_000 }] : [] };
      }
      case 'sso:ListPermissionSets': {
        const page = pageOf(center().permissionSets.map((p) => p.arn), body, 100);
        return { PermissionSets: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
      }
      case 'sso:DescribePermissionSet': {
        const ps = permissionSet(body.PermissionSetArn);
        return { PermissionSet: { Name: ps.name, PermissionSetArn: ps.arn, Description: `${ps.name} permission set`, CreatedDate: seconds(ps.createdAt), SessionDuration: 'PT1H' } };
      }
      case 'sso:ListManagedPoliciesInPermissionSet': {
        const ps = permissionSet(body.PermissionSetArn);
        return { AttachedManagedPolicies: ps.managedPolicies.map((arn) => ({ Arn: arn, Name: arn.split('/').at(-1) })) };
      }
      case 'sso:ListCustomerManagedPolicyReferencesInPermissionSet':
        permissionSet(body.PermissionSetArn);
        return { CustomerManagedPolicyReferences: [] };
      case 'sso:GetInlinePolicyForPermissionSet': {
        const ps = permissionSet(body.PermissionSetArn);
        return { InlinePolicy: ps.inline ? JSON.stringify(ps.inline) : '' };
      }
      case 'sso:ListAccountsForProvisionedPermissionSet': {
        const ps = permissionSet(body.PermissionSetArn);
        const accounts = [...new Set(center().assignments.filter((x) => x.permissionSetArn === ps.arn).map((x) => x.accountId))].sort();
        const page = pageOf(accounts, body, 100);
        return { AccountIds: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
      }
      case 'sso:ListAccountAssignments': {
        const rows = center().assignments.filter((x) => x.accountId === body.AccountId && x.permissionSetArn === body.PermissionSetArn);
        const page = pageOf(rows, body, 100);
        return { AccountAssignments: page.items.map((x) => ({ AccountId: x.accountId, PermissionSetArn: x.permissionSetArn, PrincipalType: x.principalType, PrincipalId: x.principalId })), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
      }
      case 'sso:DeleteAccountAssignment':
      case 'sso:CreateAccountAssignment': {
        const ic = center();
        const row = { accountId: String(body.TargetId), permissionSetArn: String(body.PermissionSetArn), principalType: body.PrincipalType as 'USER' | 'GROUP', principalId: String(body.PrincipalId) };
        const same = (x: typeof row) => x.accountId === row.accountId && x.permissionSetArn === row.permissionSetArn && x.principalType === row.principalType && x.principalId === row.principalId;
        const deleting = operation === 'sso:DeleteAccountAssignment';
        if (deleting) {
          if (!ic.assignments.some(same)) throw new AwsFault(400, 'ResourceNotFoundException', 'Account assignment not found');
          ic.assignments = ic.assignments.filter((x) => !same(x));
        } else if (!ic.assignments.some(same)) ic.assignments.push(row);
        const status = { Status: 'SUCCEEDED', RequestId: requestId(), TargetId: row.accountId, TargetType: 'AWS_ACCOUNT', PermissionSetArn: row.permissionSetArn, PrincipalType: row.principalType, PrincipalId: row.principalId, CreatedDate: Date.now() / 1000 };
        return deleting ? { AccountAssignmentDeletionStatus: status } : { AccountAssignmentCreationStatus: status };
      }
      case 'identitystore:ListUsers': {
        const page = pageOf(center().users, body, 50);
        return {
          Users: page.items.map((u) => ({ UserId: u.id, UserName: u.userName, DisplayName: u.displayName, Name: { GivenName: u.displayName.split(' ')[0], FamilyName: u.displayName.split(' ').slice(1).join(' ') }, Emails: [{ Value: u.email, Type: 'work', Primary: true }], IdentityStoreId: center().identityStoreId })),
          ...(page.NextToken ? { NextToken: page.NextToken } : {}),
        };
      }
      case 'identitystore:ListGroups': {
        const page = pageOf(center().groups, body, 50);
        return { Groups: page.items.map((g) => ({ GroupId: g.id, DisplayName: g.name, IdentityStoreId: center().identityStoreId })), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
      }
      case 'identitystore:ListGroupMemberships': {
        const group = center().groups.find((g) => g.id === body.GroupId);
        if (!group) throw new AwsFault(400, 'ResourceNotFoundException', `Group ${String(body.GroupId)} not found`);
        const page = pageOf(group.members, body, 50);
        return { GroupMemberships: page.items.map((m) => ({ IdentityStoreId: center().identityStoreId, MembershipId: m.membershipId, GroupId: group.id, MemberId: { UserId: m.userId } })), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
      }
      case 'identitystore:CreateGroupMembership': {
        const group = center().groups.find((g) => g.id === body.GroupId);
        const userId = (body.MemberId as { UserId?: string } | undefined)?.UserId;
        if (!group || !center().users.some((u) => u.id === userId)) throw new AwsFault(400, 'ResourceNotFoundException', 'Group or user not found');
        if (group.members.some((m) => m.userId === userId)) throw new AwsFault(400, 'ConflictException', 'Membership exists');
        const membershipId = `m-${userId}-${group.name}`;
        group.members.push({ userId: userId!, membershipId });
        return { MembershipId: membershipId, IdentityStoreId: center().identityStoreId };
      }
      case 'identitystore:DeleteGroupMembership': {
        for (const group of center().groups) {
          const before = group.members.length;
          group.members = group.members.filter((m) => m.membershipId !== body.MembershipId);
          if (group.members.length < before) return {};
        }
        throw new AwsFault(400, 'ResourceNotFoundException', `Membership ${String(body.MembershipId)} not found`);
      }
      default:
        throw new AwsFault(400, 'UnknownOperationException', `Unknown operation ${operation}`);
    }
  };

  const JSON_PREFIX: Record<string, string> = { AWSOrganizationsV20161128: 'organizations', SWBExternalService: 'sso', AWSIdentityStore: 'identitystore' };

  const handler = (request: FakeRequest): FakeResponse | Promise<FakeResponse> => {
    const { accessKeyId, service } = signer(request);
    const session = sessionKeys.get(accessKeyId);
    const callerAccount = session ?? estate.managementAccount;
    const counted = session ?? CALLER;
    callsByAccount.set(counted, (callsByAccount.get(counted) ?? 0) + 1);
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix, op] = target.split('.');
      const operation = `${JSON_PREFIX[prefix ?? ''] ?? prefix}:${op}`;
      try {
        fault(operation, callerAccount);
        const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
        return { status: 200, headers: json11, body: JSON.stringify(jsonApi(operation, body)), operation };
      } catch (error) {
        if (!(error instanceof AwsFault)) throw error;
        return { status: error.status, headers: { ...json11, 'x-amzn-errortype': error.code }, body: JSON.stringify({ __type: error.code, message: error.message }), operation };
      }
    }
    const params = new URLSearchParams(request.body);
    const action = params.get('Action') ?? '';
    const isSts = service === 'sts' || ['AssumeRole', 'GetCallerIdentity'].includes(action);
    const namespace = isSts ? STS_NS : IAM_NS;
    const operation = `${isSts ? 'sts' : 'iam'}:${action}`;
    if (faults.stall?.includes(operation)) return new Promise<FakeResponse>(() => {});
    try {
      fault(operation, callerAccount);
      const result = isSts ? sts(action, params, callerAccount) : iam(action, params, account(callerAccount));
      return { status: 200, headers: xml, body: queryResponse(action, namespace, result), operation };
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      return { status: error.status, headers: xml, body: queryError(namespace, error.code, error.message), operation };
    }
  };

  const server = await startFakeServer(handler, { latencyMs: options.latencyMs });
  return {
    ...server,
    estate,
    callsByAccount,
    resetCalls() {
      server.resetCalls();
      version += 1;
      callsByAccount.clear();
      operationCalls.clear();
    },
  };
};
