import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { findRealData } from '../../test/realdata.ts';
import { silentLogger } from '../types.ts';
import { collectAws } from './collect.ts';
import { awsSchema, type AwsConfigInput } from './schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const realFile = findRealData('awsAuthorizationDetails', 'the third-party AWS export cases of connectors/aws/export.test.ts');
const reportFile = join(here, '__fixtures__', 'credential-report.csv');
const ACCOUNT = '200611803367';
const now = new Date('2026-11-23T00:00:00Z');

const collect = (section: AwsConfigInput, baseDir = here) => collectAws(awsSchema.parse(section), { now, log: silentLogger, baseDir });
const collectReal = (extra: AwsConfigInput = {}) =>
  collect({ exports: [{ account: ACCOUNT, authorizationDetails: realFile!, credentialReport: reportFile }], ...extra });

// Our own export in the format `aws iam get-account-authorization-details` prints, with its credential report.
const OWN_ACCOUNT = '111122223333';
const ownFile = join(here, '__fixtures__', 'authorization-details.json');
const ownReportFile = join(here, '__fixtures__', `credential-report-${OWN_ACCOUNT}.csv`);
const collectOwn = (extra: AwsConfigInput = {}) =>
  collect({ exports: [{ account: OWN_ACCOUNT, authorizationDetails: ownFile, credentialReport: ownReportFile }], ...extra });
const own = (kind: 'user' | 'role', name: string) => `aws:arn:aws:iam::${OWN_ACCOUNT}:${kind}/${name}`;

describe('export import of a real-format authorization-details file of our own', async () => {
  const result = await collectOwn();
  const of = (principal: string) => result.entitlements.filter((e) => e.principal === principal);
  const summary = (principal: string) => of(principal).map((e) => [e.privilege, e.via, e.level, e.privileged]);

  it('lists users, groups and roles, leaving out service-linked and Identity Center roles by default', async () => {
    const kinds = result.principals.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.kind]: (acc[p.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ user: 10, group: 2, role: 4, root: 1 });
    expect(result.principals.some((p) => /AWSServiceRoleFor|AWSReservedSSO_/.test(p.name))).toBe(false);
    const all = await collectOwn({ includeServiceLinkedRoles: true, includeReservedRoles: true });
    expect(all.entitlements.filter((e) => e.principal.includes('role/aws-')).map((e) => [e.principal.split('/').at(-1), e.privilege, e.level])).toEqual([
      ['AWSReservedSSO_AdministratorAccess_5f1e2d3c4b5a6978', 'AdministratorAccess', 'admin'],
      ['AWSServiceRoleForSupport', 'AWSSupportServiceRolePolicy', 'write'],
    ]);
    expect(result.coverage).toEqual([{ system: 'aws', target: OWN_ACCOUNT, status: 'ok', notes: ['root user last used 2026-10-02T07:12:00.000Z'] }]);
  });

  it('gives group-inherited admin to each member, removable by taking that member out of the group', () => {
    expect(of(own('user', 'dana.fischer'))).toEqual([
      expect.objectContaining({ privilege: 'AdministratorAccess', via: 'group/platform-admins', level: 'admin', privileged: true, ref: { action: 'remove-user-from-group', account: OWN_ACCOUNT, userName: 'dana.fischer', groupName: 'platform-admins' } }),
    ]);
    expect(summary(own('user', 'omar.haddad'))).toEqual([
      ['AdministratorAccess', 'group/platform-admins', 'admin', true],
      ['ReadOnlyAccess', 'group/auditors', 'read', false],
    ]);
  });

  it('lets Deny statements override Allow, within a policy and across policies', () => {
    expect(summary(own('user', 'quarantined-contractor'))).toEqual([
      ['AdministratorAccess', 'direct', 'read', false],
      ['deny-everything', 'direct', 'read', false],
    ]);
    // Allow * with iam:* and sts:AssumeRole denied still leaves lambda and ssm escalation paths.
    expect(summary(own('user', 'svc-reporting'))).toEqual([['inline:read-everything-but-iam', 'direct', 'write', true]]);
  });

  it('reads NotAction as everything but the listed actions', () => {
    expect(summary(own('user', 'svc-backup'))).toEqual([['inline:all-but-s3', 'direct', 'admin', true]]);
    expect(summary(own('user', 'svc-metrics'))).toEqual([['inline:all-but-identity', 'direct', 'write', false]]);
  });

  it('counts escalation actions as privileged unless a resource or condition makes them harmless', () => {
    expect(summary(own('user', 'svc-policy-sync'))).toEqual([['inline:policy-versions', 'direct', 'write', true]]);
    expect(summary(own('role', 'ci-deployer'))).toEqual([['inline:deploy-lambdas', 'direct', 'write', true]]);
    expect(summary(own('role', 'ecs-task-launcher'))).toEqual([['inline:pass-app-role', 'direct', 'write', false]]);
  });

  it('applies permissions boundaries and only the default policy version', () => {
    expect(summary(own('user', 'lena.bauer'))).toEqual([['AdministratorAccess', 'direct', 'write', false]]);
    expect(summary(own('user', 'ci-legacy'))).toEqual([['deploy-tools', 'direct', 'read', false]]);
  });

  it('takes people, machines, MFA, last use and every key from the credential report and tags', () => {
    const principal = (id: string) => result.principals.find((p) => p.id === id);
    expect(principal(own('user', 'dana.fischer'))).toMatchObject({ human: true, mfa: true, email: 'dana.fischer@example.com', lastUsedAt: '2026-11-14T09:02:00.000Z' });
    expect(principal(own('user', 'omar.haddad'))).toMatchObject({ human: true, mfa: false });
    expect(principal(own('role', 'ecs-task-launcher'))).toMatchObject({ human: false, lastUsedAt: '2026-11-15T03:00:00.000Z' });
    expect(principal(own('role', 'app-runtime'))?.lastUsedAt).toBeNull();
    expect(result.credentials.filter((c) => c.principal === own('user', 'svc-policy-sync')).map((c) => [c.kind, c.status, c.createdAt, c.lastUsedAt])).toEqual([
      ['access-key', 'active', '2024-01-08T09:10:00.000Z', '2026-11-16T01:00:00.000Z'],
      ['access-key', 'active', '2026-10-30T09:00:00.000Z', null],
    ]);
    expect(result.credentials.find((c) => c.principal === own('user', 'quarantined-contractor'))).toMatchObject({ status: 'inactive', privileged: false });
  });

  it('is deterministic', async () => {
    expect(JSON.stringify(await collectOwn())).toBe(JSON.stringify(result));
  });
});

// The example merges two accounts: its last users, groups and roles carry another account id in their ARNs.
const OTHER = '012345678901';
const LEGACY = new Set(['obama', 'userwithlotsofpermissions', 'biden', 'MyRole', 'MyOtherRole', 'OverprivilegedEC2']);
const arn = (kind: 'user' | 'role', name: string) => `aws:arn:aws:iam::${LEGACY.has(name) ? OTHER : ACCOUNT}:${kind}/${name}`;

describe.runIf(realFile)('export import of a third-party real authorization-details file', () => {
  let result: Awaited<ReturnType<typeof collectReal>>;
  beforeAll(async () => {
    result = await collectReal();
  });
  const of = (principal: string) => result.entitlements.filter((e) => e.principal === principal);
  const privileged = (principal: string) => of(principal).some((e) => e.privileged);

  it('lists users, groups and roles, without service-linked and reserved roles by default', () => {
    const kinds = result.principals.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.kind]: (acc[p.kind] ?? 0) + 1 }), {});
    // 78 roles minus 8 service-linked and 2 AWSReservedSSO_ roles; the root from the credential report.
    expect(kinds).toEqual({ user: 44, group: 5, role: 68, root: 1 });
    expect(result.principals.some((p) => p.name.startsWith('AWSServiceRoleFor'))).toBe(false);
    expect(result.principals.some((p) => p.name.startsWith('AWSReservedSSO_'))).toBe(false);
    expect(result.coverage).toEqual([{ system: 'aws', target: ACCOUNT, status: 'ok', notes: expect.arrayContaining(['root user last used 2023-03-01T09:00:00.000Z', 'root user has an active access key', 'entities whose ARN names another account: 012345678901 (8)']) }]);
  });

  it('includes service-linked and reserved roles when configured', async () => {
    const all = await collectReal({ includeServiceLinkedRoles: true, includeReservedRoles: true });
    expect(all.principals.filter((p) => p.kind === 'role')).toHaveLength(78);
    expect(all.entitlements.find((e) => e.principal.endsWith('/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc'))).toMatchObject({ privilege: 'AdministratorAccess', level: 'admin', lastUsedAt: '2023-03-21T09:35:50.000Z' });
  });

  it('classifies the Deny cases as not privileged', () => {
    for (const name of ['fp1-allow-and-deny', 'fp2-allow-and-deny-multiple-policies', 'fp3-deny-iam']) {
      expect(privileged(arn('user', `${name}-user`)), name).toBe(false);
      expect(privileged(arn('role', `${name}-role`)), name).toBe(false);
    }
    expect(of(arn('user', 'fp2-allow-and-deny-multiple-policies-user')).map((e) => [e.privilege, e.level])).toEqual([
      ['deny-all', 'read'],
      ['fp2-allow-all', 'read'],
    ]);
  });

  it('classifies constrained escalation right: exploitable constraints count, unexploitable ones do not', () => {
    expect(privileged(arn('user', 'fn2-exploitableResourceConstraint-user'))).toBe(true);
    expect(privileged(arn('user', 'fn3-exploitableConditionConstraint-user'))).toBe(true);
    expect(privileged(arn('user', 'fp4-nonExploitableResourceConstraint-user'))).toBe(false);
    expect(privileged(arn('user', 'fp5-nonExploitableConditionConstraint-user'))).toBe(false);
  });

  it('classifies NotAction and partial escalation', () => {
    expect(of(arn('user', 'fn4-exploitableNotAction-user'))).toEqual([
      expect.objectContaining({ privilege: 'fn4-exploitableNotAction', level: 'write', privileged: true }),
    ]);
    expect(of(arn('user', 'fn1-privesc3-partial-user')).map((e) => [e.privilege, e.privileged])).toEqual([
      ['fn1-passrole-star', true],
      ['fn1-privesc3-partial', false],
    ]);
  });

  it('flags every privesc user and role as privileged, and the high-privilege ones admin', () => {
    const privesc = result.principals.filter((p) => /^privesc\d*-/.test(p.name) && of(p.id).length > 0);
    expect(privesc.length).toBeGreaterThan(55);
    for (const p of privesc) expect(privileged(p.id), p.name).toBe(true);
    expect(of(arn('role', 'privesc-AssumeRole-ending-role'))[0]).toMatchObject({ level: 'admin', privileged: true });
    expect(of(arn('user', 'privesc-sre-user'))).toEqual([
      expect.objectContaining({ privilege: 'privesc-sre-admin-policy', via: 'group/privesc-sre-group', level: 'admin', ref: { action: 'remove-user-from-group', account: ACCOUNT, userName: 'privesc-sre-user', groupName: 'privesc-sre-group' } }),
    ]);
  });

  it('gives one entitlement per (principal, policy, path) with the ref that removes it', () => {
    expect(of(arn('user', 'obama'))).toEqual([
      { principal: arn('user', 'obama'), system: 'aws', target: ACCOUNT, resource: '*', privilege: 'AdministratorAccess', level: 'admin', privileged: true, via: 'direct', ref: { action: 'detach-user-policy', account: ACCOUNT, userName: 'obama', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
      { principal: arn('user', 'obama'), system: 'aws', target: ACCOUNT, resource: '*', privilege: 'AdministratorAccess', level: 'admin', privileged: true, via: 'group/admin', ref: { action: 'remove-user-from-group', account: ACCOUNT, userName: 'obama', groupName: 'admin' } },
    ]);
    expect(of(arn('user', 'biden')).map((e) => [e.privilege, e.via, e.level, e.privileged, e.ref?.action])).toEqual([
      ['AWSLambdaFullAccess', 'direct', 'write', true, 'detach-user-policy'],
      ['AmazonRDSFullAccess', 'group/biden', 'write', false, 'remove-user-from-group'],
      ['inline:InlinePolicyForBidenGroup', 'group/biden', 'write', false, 'remove-user-from-group'],
      ['inline:InsecureUserPolicy', 'direct', 'write', false, 'delete-user-policy'],
    ]);
    const ec2 = of(arn('role', 'OverprivilegedEC2'));
    expect(ec2.map((e) => [e.privilege, e.privileged, e.lastUsedAt, e.ref?.action])).toEqual([
      ['InsecurePolicy', false, '2019-01-20T18:48:00.000Z', 'detach-role-policy'],
      ['inline:SupYo', true, '2019-01-20T18:48:00.000Z', 'delete-role-policy'],
    ]);
    // Service trust only: a machine.
    expect(result.principals.find((p) => p.id === arn('role', 'OverprivilegedEC2'))).toMatchObject({ human: false, lastUsedAt: '2019-01-20T18:48:00.000Z' });
    expect(result.principals.find((p) => p.id === arn('role', 'privesc-AssumeRole-intermediate-role'))?.lastUsedAt).toBeNull();
  });

  it('takes humans, MFA and last use from the credential report, each key as its own credential', () => {
    expect(result.principals.find((p) => p.id === arn('user', 'obama'))).toMatchObject({ human: true, mfa: true, lastUsedAt: '2023-03-20T12:00:00.000Z' });
    expect(result.principals.find((p) => p.id === arn('user', 'biden'))).toMatchObject({ human: false, mfa: false, lastUsedAt: '2023-03-27T17:00:00.000Z' });
    expect(result.principals.find((p) => p.id === arn('user', 'fp1-allow-and-deny-user'))).toMatchObject({ human: 'unknown' });
    const keys = result.credentials.filter((c) => c.principal === arn('user', 'biden'));
    expect(keys).toEqual([
      expect.objectContaining({ id: `aws:arn:aws:iam::${OTHER}:user/biden/access-key/2020-01-05T00:00:00.000Z`, kind: 'access-key', status: 'active', createdAt: '2020-01-05T00:00:00.000Z', lastUsedAt: '2023-03-27T17:00:00.000Z', privileged: true }),
      expect.objectContaining({ id: `aws:arn:aws:iam::${OTHER}:user/biden/access-key/2023-01-10T00:00:00.000Z`, kind: 'access-key', status: 'active', lastUsedAt: null }),
    ]);
    const lots = result.credentials.filter((c) => c.principal === arn('user', 'userwithlotsofpermissions'));
    expect(lots.map((c) => [c.kind, c.status, c.lastUsedAt])).toEqual([
      ['access-key', 'inactive', null],
      ['console-password', 'active', undefined],
    ]);
    expect(result.credentials.find((c) => c.id === `aws:arn:aws:iam::${OTHER}:user/obama/console-password`)).toEqual({
      id: `aws:arn:aws:iam::${OTHER}:user/obama/console-password`, system: 'aws', target: ACCOUNT, kind: 'console-password', principal: arn('user', 'obama'), name: 'console password',
      createdAt: '2019-12-18T19:15:00.000Z', rotatedAt: '2019-12-18T19:15:00.000Z', lastUsedAt: '2023-03-20T12:00:00.000Z', status: 'active', privileged: true,
    });
  });

  it('flags the root user and its keys', () => {
    const root = `aws:arn:aws:iam::${ACCOUNT}:root`;
    expect(result.principals.find((p) => p.id === root)).toMatchObject({ kind: 'root', human: true, mfa: true, lastUsedAt: '2023-03-01T09:00:00.000Z' });
    expect(result.credentials.filter((c) => c.principal === root)).toEqual([
      expect.objectContaining({ kind: 'root-access-key', status: 'active', privileged: true, lastUsedAt: '2023-02-15T08:00:00.000Z' }),
    ]);
  });

  it('is deterministic', async () => {
    expect(JSON.stringify(await collectReal())).toBe(JSON.stringify(result));
  });
});

describe('export files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-aws-'));
  const csv = readFileSync(ownReportFile, 'utf8');

  it('reads the credential report raw, as base64, or as the CLI JSON; relative paths against baseDir', async () => {
    writeFileSync(join(dir, 'report.b64'), Buffer.from(csv).toString('base64'));
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ Content: Buffer.from(csv).toString('base64'), ReportFormat: 'text/csv', GeneratedTime: '2023-03-28T00:00:00+00:00' }));
    writeFileSync(join(dir, 'authz.json'), readFileSync(ownFile));
    const credentialsOf = async (file: string) => (await collect({ exports: [{ account: OWN_ACCOUNT, authorizationDetails: 'authz.json', credentialReport: file }] }, dir)).credentials;
    const raw = await credentialsOf(ownReportFile);
    expect(raw).toHaveLength(11);
    expect(await credentialsOf('report.b64')).toEqual(raw);
    expect(await credentialsOf('report.json')).toEqual(raw);
  });

  it('marks an account without a credential report partial', async () => {
    const result = await collect({ exports: [{ account: OWN_ACCOUNT, authorizationDetails: ownFile }] });
    expect(result.coverage[0]).toMatchObject({ status: 'partial', error: expect.stringContaining('no credential report') });
    expect(result.credentials).toEqual([]);
    expect(result.principals.find((p) => p.name === 'dana.fischer')?.lastUsedAt).toBeUndefined();
  });

  it('rejects bad files with an input error naming the file and the field', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ UserDetailList: [{ UserName: 'a', UserId: 'x', Arn: 'arn', CreateDate: '2020-01-01 00:00:00' }] }));
    writeFileSync(join(dir, 'list.json'), '[1,2]');
    writeFileSync(join(dir, 'report.txt'), 'hello');
    await expect(collect({ exports: [{ account: ACCOUNT, authorizationDetails: 'bad.json' }] }, dir)).rejects.toThrow(/bad\.json: UserDetailList\[0\]\.CreateDate: expected a time with an offset/);
    await expect(collect({ exports: [{ account: ACCOUNT, authorizationDetails: 'list.json' }] }, dir)).rejects.toThrow(InputError);
    await expect(collect({ exports: [{ account: ACCOUNT, authorizationDetails: 'missing.json' }] }, dir)).rejects.toThrow(/missing\.json: cannot read/);
    await expect(collect({ exports: [{ account: ACCOUNT, authorizationDetails: ownFile, credentialReport: 'report.txt' }] }, dir)).rejects.toThrow(/report\.txt: expected a credential report/);
  });

  it('collects only the target named by --only', async () => {
    const result = await collectAws(awsSchema.parse({ exports: [{ account: OWN_ACCOUNT, authorizationDetails: ownFile }] }), { now, log: silentLogger, baseDir: here, onlyTarget: '111111111111' });
    expect(result.coverage).toEqual([]);
    expect(result.principals).toEqual([]);
  });
});
