// GetAccountAuthorizationDetails, from the API (SDK objects, URL-encoded documents, Dates) or
// from the CLI's JSON (decoded documents, "2019-12-18 19:10:08+00:00" dates), normalised.
import { parsePolicyDocument, type PolicyDocument } from './classify.ts';

export interface Tag {
  Key: string;
  Value: string;
}
export interface AttachedPolicy {
  name: string;
  arn: string;
}
export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}
interface IamEntity {
  name: string;
  id: string;
  arn: string;
  path: string;
  createdAt: string;
  attached: AttachedPolicy[];
  inline: InlinePolicy[];
}
export interface IamUser extends IamEntity {
  groups: string[];
  boundaryArn?: string;
  tags: Tag[];
}
export type IamGroup = IamEntity;
export interface IamRole extends IamEntity {
  boundaryArn?: string;
  tags: Tag[];
  /** Only AWS services may assume it (its trust policy names no account, user or federation). */
  serviceOnlyTrust: boolean;
  /** RoleLastUsed: null when IAM reports no use. */
  lastUsedAt: string | null;
}
export interface ManagedPolicy {
  name: string;
  arn: string;
  path: string;
  document?: PolicyDocument;
}
export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  policies: Map<string, ManagedPolicy>;
}

/** Raised with the field's path so callers can name the file and the place. */
export class DetailsFormatError extends Error {}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;
/** An ISO time with an offset, from a Date or a string like `2019-12-18 19:10:08+00:00`. */
export const toIso = (value: unknown, where: string): string => {
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.toISOString();
  if (typeof value === 'string' && OFFSET.test(value.trim())) {
    const date = new Date(value.trim().replace(' ', 'T'));
    if (Number.isFinite(date.getTime())) return date.toISOString();
  }
  throw new DetailsFormatError(`${where}: expected a time with an offset, got ${JSON.stringify(value)}`);
};

type Raw = Record<string, unknown>;
const list = (value: unknown, where: string): Raw[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DetailsFormatError(`${where}: expected a list`);
  return value as Raw[];
};
const text = (value: unknown, where: string): string => {
  if (typeof value !== 'string') throw new DetailsFormatError(`${where}: expected a string, got ${JSON.stringify(value)}`);
  return value;
};

const document = (raw: unknown, where: string): PolicyDocument => {
  try {
    return parsePolicyDocument(raw);
  } catch (error) {
    throw new DetailsFormatError(`${where}: policy document is not valid JSON`, { cause: error });
  }
};

const attached = (raw: unknown, where: string): AttachedPolicy[] =>
  list(raw, where).map((p, i) => ({ name: text(p.PolicyName, `${where}[${i}].PolicyName`), arn: text(p.PolicyArn, `${where}[${i}].PolicyArn`) }));

const inline = (raw: unknown, where: string): InlinePolicy[] =>
  list(raw, where).map((p, i) => ({
    name: text(p.PolicyName, `${where}[${i}].PolicyName`),
    document: document(p.PolicyDocument, `${where}[${i}].PolicyDocument`),
  }));

const tags = (raw: unknown, where: string): Tag[] =>
  list(raw, where).map((t, i) => ({ Key: text(t.Key, `${where}[${i}].Key`), Value: String(t.Value ?? '') }));

const entity = (raw: Raw, kind: 'User' | 'Group' | 'Role', where: string, policiesKey: string): IamEntity => ({
  name: text(raw[`${kind}Name`], `${where}.${kind}Name`),
  id: text(raw[`${kind}Id`], `${where}.${kind}Id`),
  arn: text(raw.Arn, `${where}.Arn`),
  path: typeof raw.Path === 'string' ? raw.Path : '/',
  createdAt: toIso(raw.CreateDate, `${where}.CreateDate`),
  attached: attached(raw.AttachedManagedPolicies, `${where}.AttachedManagedPolicies`),
  inline: inline(raw[policiesKey], `${where}.${policiesKey}`),
});

const boundary = (raw: unknown): string | undefined => {
  const arn = (raw as Raw | undefined)?.PermissionsBoundaryArn;
  return typeof arn === 'string' ? arn : undefined;
};

/** Only `Service` principals in the trust policy's Allow statements. */
const serviceOnly = (trust: unknown): boolean => {
  if (trust === undefined) return false;
  const parsed = typeof trust === 'string' ? (JSON.parse(trust.trimStart().startsWith('{') ? trust : decodeURIComponent(trust)) as Raw) : (trust as Raw);
  const statements = Array.isArray(parsed.Statement) ? (parsed.Statement as Raw[]) : [parsed.Statement as Raw];
  const allows = statements.filter((s) => s && s.Effect === 'Allow');
  return allows.length > 0 && allows.every((s) => s.Principal && typeof s.Principal === 'object' && Object.keys(s.Principal).every((k) => k === 'Service'));
};

/** Merge pages (or one CLI document) into one normalised picture. */
export const parseAuthorizationDetails = (pages: Raw[]): AuthorizationDetails => {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: new Map() };
  for (const page of pages) {
    list(page.UserDetailList, 'UserDetailList').forEach((raw, i) => {
      const where = `UserDetailList[${i}]`;
      details.users.push({
        ...entity(raw, 'User', where, 'UserPolicyList'),
        groups: list(raw.GroupList, `${where}.GroupList`).map((g) => String(g)),
        boundaryArn: boundary(raw.PermissionsBoundary),
        tags: tags(raw.Tags, `${where}.Tags`),
      });
    });
    list(page.GroupDetailList, 'GroupDetailList').forEach((raw, i) => details.groups.push(entity(raw, 'Group', `GroupDetailList[${i}]`, 'GroupPolicyList')));
    list(page.RoleDetailList, 'RoleDetailList').forEach((raw, i) => {
      const where = `RoleDetailList[${i}]`;
      const lastUsed = (raw.RoleLastUsed as Raw | undefined)?.LastUsedDate;
      let serviceOnlyTrust: boolean;
      try {
        serviceOnlyTrust = serviceOnly(raw.AssumeRolePolicyDocument);
      } catch (error) {
        throw new DetailsFormatError(`${where}.AssumeRolePolicyDocument: not valid JSON`, { cause: error });
      }
      details.roles.push({
        ...entity(raw, 'Role', where, 'RolePolicyList'),
        boundaryArn: boundary(raw.PermissionsBoundary),
        tags: tags(raw.Tags, `${where}.Tags`),
        serviceOnlyTrust,
        lastUsedAt: lastUsed === undefined || lastUsed === null ? null : toIso(lastUsed, `${where}.RoleLastUsed.LastUsedDate`),
      });
    });
    list(page.Policies, 'Policies').forEach((raw, i) => {
      const where = `Policies[${i}]`;
      const versions = list(raw.PolicyVersionList, `${where}.PolicyVersionList`);
      const current = versions.find((v) => v.IsDefaultVersion === true) ?? versions.find((v) => v.VersionId === raw.DefaultVersionId);
      const arn = text(raw.Arn, `${where}.Arn`);
      details.policies.set(arn, {
        name: text(raw.PolicyName, `${where}.PolicyName`),
        arn,
        path: typeof raw.Path === 'string' ? raw.Path : '/',
        document: current ? document(current.Document, `${where}.PolicyVersionList.Document`) : undefined,
      });
    });
  }
  return details;
};
