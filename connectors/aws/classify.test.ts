import { describe, expect, it } from 'vitest';
import {
  classifyPolicy,
  DEFAULT_ADMIN_ACTIONS,
  DEFAULT_ADMIN_POLICIES,
  DEFAULT_ESCALATION_ACTIONS,
  parsePolicyDocument,
  type ClassifyContext,
  type PolicyDocument,
} from './classify.ts';

const lists = { adminActions: [...DEFAULT_ADMIN_ACTIONS], adminPolicies: [...DEFAULT_ADMIN_POLICIES], escalationActions: [...DEFAULT_ESCALATION_ACTIONS] };
const now = new Date('2026-11-23T00:00:00Z');
const ctx = (over: Partial<ClassifyContext> = {}): ClassifyContext => ({ denies: [], now, lists, ...over });
const doc = (...Statement: unknown[]): PolicyDocument => parsePolicyDocument({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });

describe('classifyPolicy', () => {
  it('calls * on * and iam:* admin, and a service wildcard write', () => {
    expect(classifyPolicy('p', doc(allow('*')), ctx())).toMatchObject({ level: 'admin', privileged: true, reasons: expect.arrayContaining(['admin:*', 'admin:iam:*']) });
    expect(classifyPolicy('p', doc(allow(['iam:*', 's3:*'])), ctx())).toMatchObject({ level: 'admin', privileged: true });
    expect(classifyPolicy('p', doc(allow('s3:*')), ctx())).toEqual({ level: 'write', privileged: false, reasons: [] });
    expect(classifyPolicy('p', doc(allow(['s3:Get*', 'ec2:Describe*', 'iam:List*'])), ctx())).toEqual({ level: 'read', privileged: false, reasons: [] });
  });

  it('needs every resource for admin: iam:* on one path is escalation, not admin', () => {
    const c = classifyPolicy('p', doc(allow('iam:*', 'arn:aws:iam::123456789012:user/team/*')), ctx());
    expect(c.level).toBe('write');
    expect(c.privileged).toBe(true);
    expect(c.reasons).toContain('escalation:iam:AttachUserPolicy');
  });

  it('names AdministratorAccess and IAMFullAccess admin even without their document', () => {
    expect(classifyPolicy('AdministratorAccess', undefined, ctx())).toMatchObject({ level: 'admin', privileged: true });
    expect(classifyPolicy('iamfullaccess', undefined, ctx()).level).toBe('admin');
    expect(classifyPolicy('ReadOnlyAccess', undefined, ctx())).toMatchObject({ level: 'read', privileged: false });
  });

  it('subtracts unconditional Deny statements on every resource, from the same or another policy', () => {
    expect(classifyPolicy('p', doc(allow('iam:*'), deny('iam:*')), ctx()).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('*')), ctx({ denies: doc(deny('*')).Statement })).privileged).toBe(false);
    // A Deny of one service leaves iam:* whole: still admin.
    expect(classifyPolicy('p', doc(allow('*')), ctx({ denies: doc(deny('s3:*')).Statement })).level).toBe('admin');
    // A partial Deny inside iam leaves escalation through the rest.
    const partial = classifyPolicy('p', doc(allow('*')), ctx({ denies: doc(deny('iam:Attach*')).Statement }));
    expect(partial.reasons).not.toContain('admin:iam:*');
    expect(partial.reasons).toContain('escalation:iam:PutUserPolicy');
    expect(partial.reasons).not.toContain('escalation:iam:AttachUserPolicy');
    // Conditional or resource-limited Denies may not apply: privilege stays.
    expect(classifyPolicy('p', doc(allow('iam:*'), deny('iam:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })), ctx()).level).toBe('admin');
    expect(classifyPolicy('p', doc(allow('iam:*'), deny('iam:*', 'arn:aws:iam::*:role/x')), ctx()).level).toBe('admin');
  });

  it('reads NotAction: everything but the listed actions', () => {
    const notIamWrites = classifyPolicy('p', doc({ Effect: 'Allow', NotAction: ['iam:Update*', 'iam:Create*', 'iam:Attach*'], Resource: '*' }), ctx());
    expect(notIamWrites).toMatchObject({ level: 'write', privileged: true });
    expect(notIamWrites.reasons).toContain('escalation:iam:PassRole');
    expect(notIamWrites.reasons).not.toContain('escalation:iam:CreatePolicyVersion');
    const notS3 = classifyPolicy('p', doc({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }), ctx());
    expect(notS3.reasons).toContain('admin:iam:*');
    expect(notS3.level).toBe('admin');
    // A Deny with NotAction denies all but the listed actions.
    expect(classifyPolicy('p', doc(allow('*'), { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }), ctx()).privileged).toBe(false);
  });

  it('counts escalation actions on wildcard resources only, case-insensitively', () => {
    expect(classifyPolicy('p', doc(allow('iam:passrole')), ctx()).reasons).toEqual(['escalation:iam:PassRole']);
    expect(classifyPolicy('p', doc(allow('iam:PassRole', 'arn:aws:iam::*:role/AWSServiceRoleForConfig')), ctx()).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/team-*')), ctx()).privileged).toBe(true);
    expect(classifyPolicy('p', doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::aws:policy/team-*')), ctx()).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('sts:AssumeRole', 'arn:aws:iam::111111111111:role/deploy')), ctx()).privileged).toBe(false);
    expect(classifyPolicy('p', doc({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', NotResource: 'arn:aws:iam::*:role/admin' }), ctx()).privileged).toBe(true);
  });

  it('drops Allow statements whose time condition can no longer hold', () => {
    const before = { Condition: { DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } };
    const after = { Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } };
    const future = { Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } };
    expect(classifyPolicy('p', doc(allow('iam:CreatePolicyVersion', '*', before)), ctx()).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('iam:CreatePolicyVersion', '*', after)), ctx()).privileged).toBe(true);
    expect(classifyPolicy('p', doc(allow('iam:CreatePolicyVersion', '*', future)), ctx()).privileged).toBe(true);
  });

  it('limits by the permissions boundary', () => {
    const boundaryS3 = doc(allow(['s3:*', 'ec2:*']));
    expect(classifyPolicy('AdminLike', doc(allow('*')), ctx({ boundary: boundaryS3 }))).toEqual({ level: 'write', privileged: false, reasons: [] });
    const boundaryPassRole = doc(allow(['s3:*', 'iam:PassRole']));
    expect(classifyPolicy('p', doc(allow('*')), ctx({ boundary: boundaryPassRole })).reasons).toEqual(['escalation:iam:PassRole']);
    const boundaryAllButIam = doc(allow('*'), deny('iam:*'));
    expect(classifyPolicy('p', doc(allow('iam:*')), ctx({ boundary: boundaryAllButIam })).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('*')), ctx({ boundary: doc(allow('*')) })).level).toBe('admin');
    // AdministratorAccess is judged by its document when it is known: the boundary wins over the name.
    expect(classifyPolicy('AdministratorAccess', doc(allow('*')), ctx({ boundary: boundaryS3 })).privileged).toBe(false);
    expect(classifyPolicy('AdministratorAccess', doc(allow('*')), ctx({ denies: doc(deny('*')).Statement })).privileged).toBe(false);
  });

  it('takes overridden lists', () => {
    const custom = { adminActions: ['s3:*'], adminPolicies: ['BreakGlass'], escalationActions: ['kms:Decrypt'] };
    expect(classifyPolicy('p', doc(allow('s3:*')), ctx({ lists: custom })).level).toBe('admin');
    expect(classifyPolicy('p', doc(allow('iam:PassRole')), ctx({ lists: custom })).privileged).toBe(false);
    expect(classifyPolicy('p', doc(allow('kms:Decrypt')), ctx({ lists: custom })).privileged).toBe(true);
    expect(classifyPolicy('BreakGlass', undefined, ctx({ lists: custom })).level).toBe('admin');
  });

  it('decodes URL-encoded documents as the API returns them', () => {
    const encoded = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } }));
    expect(parsePolicyDocument(encoded).Statement).toEqual([{ Effect: 'Allow', Action: ['iam:*'], Resource: ['*'], NotAction: undefined, NotResource: undefined, Condition: undefined }]);
  });
});
