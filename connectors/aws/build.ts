// One account's inventory from its normalised authorization details and credential report.
// Live collection and export import both end here, so the same estate gives the same inventory.
import type { Credential, Entitlement, Principal } from '../../src/model/index.ts';
import type { AuthorizationDetails, IamRole, IamUser, InlinePolicy, Tag } from './authz.ts';
import { classifyPolicy, type Classification, type ClassifierLists, type PolicyDocument, type Statement } from './classify.ts';
import type { CredentialReportRow } from './credentialReport.ts';
import type { AwsConfig } from './schema.ts';
import { appendAll } from '../../src/model/collections.ts';

export interface AccessKeyId {
  id: string;
  createdAt: string;
  status: 'active' | 'inactive';
}

export interface AccountInput {
  account: string;
  details: AuthorizationDetails;
  report?: CredentialReportRow[];
  /** Real key ids by user name (resolveAccessKeyIds), else synthetic ids from the report. */
  accessKeyIds?: Map<string, AccessKeyId[]>;
}

export interface AccountInventory {
  principals: Principal[];
  entitlements: Entitlement[];
  credentials: Credential[];
  notes: string[];
}

type BuildOptions = Pick<AwsConfig, 'emailTag' | 'ownerTag' | 'breakGlassTag' | 'includeServiceLinkedRoles' | 'includeReservedRoles'> & {
  classifier: ClassifierLists;
  now: Date;
};

export const principalId = (arn: string): string => `aws:${arn}`;
export const isServiceLinkedRole = (role: Pick<IamRole, 'path'>): boolean => role.path.startsWith('/aws-service-role/');
export const isReservedRole = (role: Pick<IamRole, 'path'>): boolean => role.path.startsWith('/aws-reserved/');

/** Synthetic id of an access key when its real id is not collected: the user and the key's creation time. */
export const syntheticAccessKeyId = (userArn: string, createdAt: string): string => `aws:${userArn}/access-key/${createdAt}`;

const tagValue = (tags: Tag[], key: string): string | undefined => tags.find((t) => t.Key.toLowerCase() === key.toLowerCase())?.Value;

const latest = (times: (string | null | undefined)[]): string | null | undefined => {
  if (times.every((t) => t === undefined)) return undefined;
  const known = times.filter((t): t is string => typeof t === 'string').sort();
  return known.at(-1) ?? null;
};

const denyStatements = (docs: (PolicyDocument | undefined)[]): Statement[] => docs.flatMap((d) => d?.Statement.filter((s) => s.Effect === 'Deny') ?? []);

interface Held {
  privilege: string;
  document?: PolicyDocument;
  via: string;
  ref: Record<string, unknown>;
}

export const buildAccount = (input: AccountInput, options: BuildOptions): AccountInventory => {
  const { account, details } = input;
  const principals: Principal[] = [];
  const entitlements: Entitlement[] = [];
  const credentials: Credential[] = [];
  const notes: string[] = [];
  const groups = new Map(details.groups.map((g) => [g.name, g]));
  // User names are unique in an account; the report and the details of one account join on them.
  const reportByUser = new Map((input.report ?? []).filter((row) => !row.isRoot).map((row) => [row.user, row]));
  const missingPolicies = new Set<string>();
  const managedDocument = (arn: string): PolicyDocument | undefined => {
    const document = details.policies.get(arn)?.document;
    if (!document) missingPolicies.add(arn);
    return document;
  };

  // Many principals hold the same policies with the same Deny set: classify each combination once.
  const documentIds = new Map<PolicyDocument, number>();
  const docId = (document: PolicyDocument | undefined): number => {
    if (!document) return 0;
    const known = documentIds.get(document);
    if (known !== undefined) return known;
    const id = documentIds.size + 1;
    documentIds.set(document, id);
    return id;
  };
  const classified = new Map<string, Classification>();

  const addEntitlements = (principal: string, held: Held[], boundaryArn: string | undefined, lastUsedAt?: string | null): boolean => {
    const denying = held.map((h) => h.document).filter((d) => d?.Statement.some((s) => s.Effect === 'Deny'));
    const denies = denyStatements(denying);
    const boundary = boundaryArn ? managedDocument(boundaryArn) : undefined;
    const context = `${docId(boundary)}|${denying.map(docId).sort().join(',')}`;
    let privileged = false;
    for (const h of held) {
      const name = h.privilege.replace(/^inline:/, '');
      const cacheKey = `${name}|${docId(h.document)}|${context}`;
      let c = classified.get(cacheKey);
      if (!c) classified.set(cacheKey, (c = classifyPolicy(name, h.document, { denies, boundary, now: options.now, lists: options.classifier })));
      privileged ||= c.privileged;
      entitlements.push({
        principal,
        system: 'aws',
        target: account,
        resource: '*',
        privilege: h.privilege,
        level: c.level,
        privileged: c.privileged,
        via: h.via,
        ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
        ref: h.ref,
      });
    }
    return privileged;
  };

  const inlineHeld = (policies: InlinePolicy[], via: string, ref: (name: string) => Record<string, unknown>): Held[] =>
    policies.map((p) => ({ privilege: `inline:${p.name}`, document: p.document, via, ref: ref(p.name) }));

  const userHeld = (user: IamUser): Held[] => {
    const base = { account, userName: user.name };
    const held: Held[] = [
      ...user.attached.map((p) => ({ privilege: p.name, document: managedDocument(p.arn), via: 'direct', ref: { action: 'detach-user-policy', ...base, policyArn: p.arn } })),
      ...inlineHeld(user.inline, 'direct', (policyName) => ({ action: 'delete-user-policy', ...base, policyName })),
    ];
    for (const groupName of user.groups) {
      const group = groups.get(groupName);
      const ref = { action: 'remove-user-from-group', ...base, groupName };
      if (!group) {
        notes.push(`user ${user.name}: group ${groupName} is not in the authorization details`);
        continue;
      }
      appendAll(held, group.attached.map((p) => ({ privilege: p.name, document: managedDocument(p.arn), via: `group/${groupName}`, ref })));
      appendAll(held, inlineHeld(group.inline, `group/${groupName}`, () => ref));
    }
    return held;
  };

  for (const user of details.users) {
    const id = principalId(user.arn);
    const row = reportByUser.get(user.name);
    const email = tagValue(user.tags, options.emailTag);
    const privileged = addEntitlements(id, userHeld(user), user.boundaryArn);
    const principal: Principal = {
      id,
      system: 'aws',
      target: account,
      kind: 'user',
      human: row ? row.passwordEnabled === true || email !== undefined : email !== undefined ? true : 'unknown',
      name: user.name,
      createdAt: user.createdAt,
    };
    if (email) principal.email = email;
    const owner = tagValue(user.tags, options.ownerTag);
    if (owner?.includes('@')) principal.owner = owner;
    if (tagValue(user.tags, options.breakGlassTag)?.toLowerCase() === 'true') principal.breakGlass = true;
    if (row) {
      principal.mfa = row.mfaActive;
      const lastUsedAt = latest([row.passwordEnabled || row.passwordLastUsed ? row.passwordLastUsed : undefined, ...row.keys.map((k) => k.lastUsed)]);
      principal.lastUsedAt = lastUsedAt === undefined ? null : lastUsedAt;
      appendAll(credentials, userCredentials(account, id, user.arn, row, input.accessKeyIds?.get(user.name), privileged));
    }
    principals.push(principal);
  }

  for (const group of details.groups) {
    principals.push({ id: principalId(group.arn), system: 'aws', target: account, kind: 'group', human: false, name: group.name, createdAt: group.createdAt });
  }

  for (const role of details.roles) {
    if (isServiceLinkedRole(role) && !options.includeServiceLinkedRoles) continue;
    if (isReservedRole(role) && !options.includeReservedRoles) continue;
    const id = principalId(role.arn);
    const base = { account, roleName: role.name };
    const held: Held[] = [
      ...role.attached.map((p) => ({ privilege: p.name, document: managedDocument(p.arn), via: 'direct', ref: { action: 'detach-role-policy', ...base, policyArn: p.arn } })),
      ...inlineHeld(role.inline, 'direct', (policyName) => ({ action: 'delete-role-policy', ...base, policyName })),
    ];
    addEntitlements(id, held, role.boundaryArn, role.lastUsedAt);
    const email = tagValue(role.tags, options.emailTag);
    const principal: Principal = {
      id,
      system: 'aws',
      target: account,
      kind: 'role',
      human: role.serviceOnlyTrust ? false : 'unknown',
      name: role.name,
      createdAt: role.createdAt,
      lastUsedAt: role.lastUsedAt,
    };
    if (email) principal.email = email;
    const owner = tagValue(role.tags, options.ownerTag);
    if (owner?.includes('@')) principal.owner = owner;
    if (tagValue(role.tags, options.breakGlassTag)?.toLowerCase() === 'true') principal.breakGlass = true;
    principals.push(principal);
  }

  const root = input.report?.find((row) => row.isRoot);
  if (root) {
    const id = principalId(root.arn);
    const lastUsedAt = latest([root.passwordLastUsed, ...root.keys.map((k) => k.lastUsed)]);
    principals.push({
      id,
      system: 'aws',
      target: account,
      kind: 'root',
      human: true,
      name: 'root',
      mfa: root.mfaActive,
      createdAt: root.userCreationTime,
      lastUsedAt: lastUsedAt === undefined ? null : lastUsedAt,
    });
    if (typeof lastUsedAt === 'string') notes.push(`root user last used ${lastUsedAt}`);
    if (root.keys.some((k) => k.active)) notes.push('root user has an active access key');
    appendAll(credentials, userCredentials(account, id, root.arn, root, undefined, true));
  }

  if (missingPolicies.size) {
    notes.push(`managed polic${missingPolicies.size === 1 ? 'y' : 'ies'} without a document (classified by name only): ${[...missingPolicies].sort().join(', ')}`);
  }
  const foreign = new Map<string, number>();
  for (const entity of [...details.users, ...details.groups, ...details.roles]) {
    const owner = entity.arn.split(':')[4];
    if (owner && owner !== account) foreign.set(owner, (foreign.get(owner) ?? 0) + 1);
  }
  if (foreign.size) notes.push(`entities whose ARN names another account: ${[...foreign].sort().map(([id, n]) => `${id} (${n})`).join(', ')}`);
  return sortInventory({ principals, entitlements, credentials, notes });
};

const userCredentials = (account: string, principal: string, arn: string, row: CredentialReportRow, ids: AccessKeyId[] | undefined, privileged: boolean): Credential[] => {
  const out: Credential[] = [];
  for (const key of row.keys) {
    const real = ids?.find((k) => k.createdAt === key.lastRotated);
    out.push({
      id: real?.id ?? syntheticAccessKeyId(arn, key.lastRotated),
      system: 'aws',
      target: account,
      kind: row.isRoot ? 'root-access-key' : 'access-key',
      principal,
      name: `${row.isRoot ? 'root ' : ''}access key ${key.slot}`,
      createdAt: key.lastRotated,
      lastUsedAt: key.lastUsed,
      status: key.active ? 'active' : 'inactive',
      privileged,
      ref: { action: 'deactivate-access-key', account, userName: row.user, createdAt: key.lastRotated, ...(real ? { accessKeyId: real.id } : {}) },
    });
  }
  if (row.passwordEnabled) {
    out.push({
      id: `aws:${arn}/console-password`,
      system: 'aws',
      target: account,
      kind: 'console-password',
      principal,
      name: 'console password',
      createdAt: row.passwordLastChanged ?? row.userCreationTime,
      ...(row.passwordLastChanged ? { rotatedAt: row.passwordLastChanged } : {}),
      ...(row.passwordLastUsed !== undefined ? { lastUsedAt: row.passwordLastUsed } : {}),
      status: 'active',
      privileged,
    });
  }
  return out;
};

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sortInventory = <T extends { principals: Principal[]; entitlements: Entitlement[]; credentials: Credential[] }>(inventory: T): T => {
  inventory.principals.sort((a, b) => byString(a.id, b.id));
  inventory.entitlements.sort(
    (a, b) => byString(a.principal, b.principal) || byString(a.target, b.target) || byString(a.privilege, b.privilege) || byString(a.via, b.via),
  );
  inventory.credentials.sort((a, b) => byString(a.id, b.id));
  return inventory;
};
