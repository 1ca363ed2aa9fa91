// The IAM classifier: how much a policy lets its holder do, once the holder's Deny statements
// and permissions boundary are taken into account. Not a full IAM evaluator: it answers two
// questions — does this policy grant admin (`*` or `iam:*` on every resource), and does it grant
// an action that lets the holder raise its own privilege — and decides what it can at scan time.
import type { Level } from '../../src/model/index.ts';

export const DEFAULT_ADMIN_ACTIONS = ['*', 'iam:*'] as const;
export const DEFAULT_ADMIN_POLICIES = ['AdministratorAccess', 'IAMFullAccess'] as const;
/** Known privilege-escalation paths (Rhino Security Labs' list, as exercised by Cloudsplaining). */
export const DEFAULT_ESCALATION_ACTIONS = [
  'iam:PassRole',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'sts:AssumeRole',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'glue:UpdateDevEndpoint',
  'cloudformation:UpdateStack',
  'ssm:SendCommand',
  'ssm:StartSession',
  'ec2-instance-connect:SendSSHPublicKey',
  'sagemaker:CreatePresignedNotebookInstanceUrl',
] as const;

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Statement: Statement[];
}

export interface ClassifierLists {
  adminActions: string[];
  adminPolicies: string[];
  escalationActions: string[];
}

export interface ClassifyContext {
  /** Deny statements of every identity policy the principal holds (they apply to all of its policies). */
  denies: Statement[];
  /** The principal's permissions boundary, when it has one and its document is known. */
  boundary?: PolicyDocument;
  now: Date;
  lists: ClassifierLists;
}

export interface Classification {
  level: Level;
  privileged: boolean;
  /** Why: `admin:iam:*`, `escalation:iam:PassRole`, `admin-policy:AdministratorAccess`. */
  reasons: string[];
}

const toList = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map(String);

/** A policy document from the API (URL-encoded JSON), the CLI (an object) or a string of JSON. */
export const parsePolicyDocument = (raw: unknown): PolicyDocument => {
  let value = raw;
  if (typeof value === 'string') {
    const text = value.trimStart().startsWith('{') ? value : decodeURIComponent(value);
    value = JSON.parse(text) as unknown;
  }
  const statements = (value as { Statement?: unknown } | null)?.Statement;
  const list = statements === undefined ? [] : Array.isArray(statements) ? statements : [statements];
  return {
    Statement: list.map((item) => {
      const s = item as Record<string, unknown>;
      return {
        Effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
        Action: toList(s.Action),
        NotAction: toList(s.NotAction),
        Resource: toList(s.Resource),
        NotResource: toList(s.NotResource),
        Condition: s.Condition as Statement['Condition'],
      };
    }),
  };
};

const regexCache = new Map<string, RegExp>();
/** IAM wildcards (`*`, `?`); action names are case-insensitive. */
const globRegex = (pattern: string): RegExp => {
  let regex = regexCache.get(pattern);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, 'i');
    regexCache.set(pattern, regex);
  }
  return regex;
};

/** Every action `inner` names is also named by `outer` (`iam:*` contains `iam:Get*` and `iam:*`). */
const contains = (outer: string, inner: string): boolean => globRegex(outer).test(inner);
/** Some action is named by both patterns: their literal prefixes (before a wildcard) agree. */
const overlaps = (a: string, b: string): boolean => {
  const aWild = /[*?]/.test(a);
  const bWild = /[*?]/.test(b);
  if (aWild && bWild) {
    const pa = a.split(/[*?]/)[0]!.toLowerCase();
    const pb = b.split(/[*?]/)[0]!.toLowerCase();
    return pa.startsWith(pb) || pb.startsWith(pa);
  }
  if (aWild) return contains(a, b);
  if (bWild) return contains(b, a);
  return a.toLowerCase() === b.toLowerCase();
};

/** The statement allows or denies every action `pattern` names. */
const coversAll = (s: Statement, pattern: string): boolean =>
  s.Action ? s.Action.some((a) => contains(a, pattern)) : s.NotAction ? !s.NotAction.some((n) => overlaps(n, pattern)) : false;

/** The statement applies to some action `pattern` names. */
const touches = (s: Statement, pattern: string): boolean =>
  s.Action ? s.Action.some((a) => overlaps(a, pattern)) : s.NotAction ? !s.NotAction.some((n) => contains(n, pattern)) : false;

const DATE_BEFORE = /^(DateLessThan|DateLessThanEquals)(IfExists)?$/;
const TIME_KEYS = new Set(['aws:currenttime', 'aws:tokenissuetime']);

/**
 * Whether a statement's condition can hold now or later. Only time conditions are decidable at
 * scan time (a request can never again be made before a past date); every other condition is
 * assumed satisfiable, since dutybound cannot know the requests that will be made.
 */
const conditionSatisfiable = (s: Statement, now: Date): boolean => {
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    if (!DATE_BEFORE.test(operator)) continue;
    for (const [key, value] of Object.entries(keys ?? {})) {
      if (!TIME_KEYS.has(key.toLowerCase())) continue;
      const limits = (Array.isArray(value) ? value : [value]).map((v) => new Date(String(v)).getTime());
      if (limits.every((limit) => Number.isFinite(limit) && limit <= now.getTime())) return false;
    }
  }
  return true;
};

const hasCondition = (s: Statement): boolean => Object.keys(s.Condition ?? {}).length > 0;

/** The statement's resources include every resource (`*`). */
const everyResource = (s: Statement): boolean => (s.Resource ?? []).includes('*');

/**
 * The statement reaches resources the holder could use to escalate: `*`, `NotResource`, or a
 * wildcard in the resource name of customer resources (`arn:aws:iam::*:policy/team-*`). A single
 * named resource (in any account: `arn:aws:iam::*:role/x`), or AWS-owned ones nobody can change
 * (`arn:aws:iam::aws:policy/…`), do not count.
 */
const wideResource = (s: Statement): boolean => {
  if (s.NotResource) return true;
  return (s.Resource ?? []).some((resource) => {
    if (resource === '*') return true;
    const parts = resource.split(':');
    // Wildcards in partition, region or account do not widen a named resource within one account.
    const name = parts.slice(5).join(':');
    return parts[4] !== 'aws' && /[*?]/.test(name);
  });
};

/** A Deny that takes the action away whatever the request: unconditional, on every resource. */
const denies = (deniesList: Statement[], pattern: string): boolean =>
  deniesList.some((s) => s.Effect === 'Deny' && !hasCondition(s) && everyResource(s) && touches(s, pattern));

const boundaryAllowsAll = (boundary: PolicyDocument | undefined, pattern: string, now: Date): boolean =>
  !boundary ||
  (boundary.Statement.some((s) => s.Effect === 'Allow' && everyResource(s) && conditionSatisfiable(s, now) && coversAll(s, pattern)) &&
    !denies(boundary.Statement, pattern));

const boundaryAllowsSome = (boundary: PolicyDocument | undefined, action: string, now: Date): boolean =>
  !boundary ||
  (boundary.Statement.some((s) => s.Effect === 'Allow' && wideResource(s) && conditionSatisfiable(s, now) && touches(s, action)) &&
    !denies(boundary.Statement, action));

const READ_VERB = /^(get|list|describe|view|search|lookup|batchget|query|scan|select|head|estimate|preview|validate|simulate|generate.*report)/i;
const isReadAction = (action: string): boolean => {
  const [, verb] = action.split(':');
  return verb !== undefined && verb !== '*' && READ_VERB.test(verb.replace(/\*$/, ''));
};

/** Classify one policy held by one principal. `name` is the policy or permission-set name. */
export const classifyPolicy = (name: string, document: PolicyDocument | undefined, ctx: ClassifyContext): Classification => {
  const reasons: string[] = [];
  // By name only when the document is unknown (a permission set's managed policy, a policy missing from
  // the export): a known document is judged by what it allows, after Deny statements and boundary.
  if (!document && ctx.lists.adminPolicies.some((p) => p.toLowerCase() === name.toLowerCase())) reasons.push(`admin-policy:${name}`);
  const allows = (document?.Statement ?? []).filter((s) => s.Effect === 'Allow' && conditionSatisfiable(s, ctx.now));
  const allDenies = [...ctx.denies, ...(document?.Statement ?? []).filter((s) => s.Effect === 'Deny')];
  for (const pattern of ctx.lists.adminActions) {
    const granted = allows.some((s) => everyResource(s) && coversAll(s, pattern));
    if (granted && !denies(allDenies, pattern) && boundaryAllowsAll(ctx.boundary, pattern, ctx.now)) reasons.push(`admin:${pattern}`);
  }
  const admin = reasons.length > 0;
  for (const action of ctx.lists.escalationActions) {
    const granted = allows.some((s) => wideResource(s) && touches(s, action));
    if (granted && !denies(allDenies, action) && boundaryAllowsSome(ctx.boundary, action, ctx.now)) reasons.push(`escalation:${action}`);
  }
  if (admin) return { level: 'admin', privileged: true, reasons };
  if (reasons.length) return { level: 'write', privileged: true, reasons };
  const writes = allows.some((s) => {
    if (s.NotAction) return true;
    return (s.Action ?? []).some((action) => !isReadAction(action) && !denies(allDenies, action));
  });
  return { level: writes ? 'write' : 'read', privileged: false, reasons };
};

const LEVEL_RANK: Record<Level, number> = { read: 0, write: 1, admin: 2 };
export const maxLevel = (levels: Level[]): Level => levels.reduce<Level>((a, b) => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a), 'read');
