import { describe, expect, it } from 'vitest';
import { at, credential, daysAgo, entitlement, grant, NOW, principal, rulesOf, run, scenarioConfig, shift } from '../../test/fixtures/builders.ts';
import { evaluateScan } from './evaluate.ts';

const role = principal({ id: 'aws:arn:aws:iam::111111111111:role/deployer', kind: 'role', human: false, name: 'deployer', email: undefined });
const roleAdmin = entitlement({ principal: role.id });

describe('standing-privilege', () => {
  it('fires on a privileged entitlement with no grant', () => {
    const [finding] = run({ entitlements: [entitlement()] });
    expect(finding).toMatchObject({ rule: 'standing-privilege', severity: 'high', person: 'alice@example.com', privilege: 'AdministratorAccess' });
  });
  it('does not fire on an unprivileged entitlement or a covered one', () => {
    expect(rulesOf({ entitlements: [entitlement({ privilege: 'ReadOnlyAccess', privileged: false, level: 'read' })] })).toEqual([]);
    expect(rulesOf({ entitlements: [entitlement()], grants: [grant()] })).toEqual([]);
  });
  it('fires on a break-glass identity too: its standing access needs a standing exception', () => {
    expect(rulesOf({ principals: [principal({ breakGlass: true })], entitlements: [entitlement()] })).toEqual(['standing-privilege']);
    expect(rulesOf({ entitlements: [entitlement()], config: { breakGlass: ['aws:*:user/ali*'] } })).toEqual(['standing-privilege']);
    const exception = grant({ kind: 'standing', start: daysAgo(30), end: undefined, reviewBy: daysAgo(-30) });
    expect(rulesOf({ principals: [principal({ breakGlass: true })], entitlements: [entitlement()], grants: [exception] })).toEqual([]);
  });
  it('fires when the only grant has not started yet, naming it', () => {
    const [finding] = run({ entitlements: [entitlement()], grants: [grant({ start: at(60), end: at(180) })] });
    expect(finding?.rule).toBe('standing-privilege');
    expect(finding?.message).toMatch(/before its grant G-1 starts/);
  });
  it('counts config include/exclude lists over the connector classification', () => {
    expect(rulesOf({ entitlements: [entitlement({ privilege: 'CustomDeploy', privileged: false })], config: { privileged: { aws: { include: ['Custom*'] } } } })).toEqual([
      'standing-privilege',
    ]);
    expect(rulesOf({ entitlements: [entitlement()], config: { privileged: { aws: { exclude: ['AdministratorAccess'] } } } })).toEqual([]);
  });
});

describe('expired-grant and its grace', () => {
  const ended = (minutesAgo: number) => ({ entitlements: [entitlement()], grants: [grant({ start: at(-600), end: at(-minutesAgo) })] });
  it('is quiet exactly at end, inside the grace and at its last minute', () => {
    expect(rulesOf(ended(0))).toEqual([]);
    expect(rulesOf(ended(30))).toEqual([]);
    expect(rulesOf(ended(60))).toEqual([]);
  });
  it('fires past the grace, since the end', () => {
    const [finding] = run(ended(61));
    expect(finding).toMatchObject({ rule: 'expired-grant', grant: 'G-1', since: at(-61) });
    expect(finding?.message).toMatch(/1h 1m after grant G-1 ended/);
  });
  it('follows graceMinutes from the config', () => {
    expect(rulesOf({ ...ended(20), config: { rules: { graceMinutes: 15 } } })).toEqual(['expired-grant']);
  });
  it('fires on an expiry the system itself states; a future one is no approval', () => {
    expect(rulesOf({ entitlements: [entitlement({ expiresAt: at(-90), grantId: 'JIT-7' })] })).toEqual(['expired-grant']);
    expect(run({ entitlements: [entitlement({ expiresAt: at(-90), grantId: 'JIT-7' })] })[0]?.grant).toBe('JIT-7');
    expect(rulesOf({ entitlements: [entitlement({ expiresAt: at(-30) })] })).toEqual([]);
    const [unapproved] = run({ entitlements: [entitlement({ expiresAt: at(90) })] });
    expect(unapproved?.rule).toBe('standing-privilege');
    expect(unapproved?.message).toMatch(/not an approval/);
    expect(rulesOf({ entitlements: [entitlement({ expiresAt: at(90) })], grants: [grant()] })).toEqual([]);
  });
  it('never lets a stated future expiry hide a revoked grant', () => {
    expect(rulesOf({ entitlements: [entitlement({ expiresAt: at(600) })], grants: [grant({ revokedAt: at(-120) })] })).toEqual(['revoked-grant']);
  });
});

describe('revoked-grant', () => {
  it('fires past the grace after revokedAt and wins over expired-grant', () => {
    const findings = run({ entitlements: [entitlement()], grants: [grant({ start: at(-600), end: at(-300), revokedAt: at(-400) })] });
    expect(findings.map((finding) => finding.rule)).toEqual(['revoked-grant']);
    expect(findings[0]).toMatchObject({ severity: 'critical', since: at(-400) });
  });
  it('is quiet within the grace after the revocation', () => {
    expect(rulesOf({ entitlements: [entitlement()], grants: [grant({ revokedAt: at(-59) })] })).toEqual([]);
  });
  it('does not fire when another grant covers now', () => {
    expect(rulesOf({ entitlements: [entitlement()], grants: [grant({ revokedAt: at(-100) }), grant({ id: 'G-2' })] })).toEqual([]);
  });
});

describe('off-call', () => {
  // A long-lived on-call policy: a standing grant bound to the schedule.
  const onCallGrant = grant({ kind: 'standing', onCall: 'primary', start: at(-2000), end: undefined, reviewBy: at(20_000) });
  const scenario = (shifts: ReturnType<typeof shift>[]) => ({ entitlements: [entitlement()], grants: [onCallGrant], shifts });
  it('is quiet while on call', () => {
    expect(rulesOf(scenario([shift()]))).toEqual([]);
  });
  it('is quiet for a shift that ended within the grace', () => {
    expect(rulesOf(scenario([shift({ start: at(-500), end: at(-59) })]))).toEqual([]);
    expect(rulesOf(scenario([shift({ start: at(-500), end: at(-60) })]))).toEqual([]);
  });
  it('fires past the grace after the last shift ended, with the schedule', () => {
    const [finding] = run(scenario([shift({ start: at(-500), end: at(-61) })]));
    expect(finding).toMatchObject({ rule: 'off-call', schedule: 'primary', grant: 'G-1', since: at(-61) });
  });
  it('fires when on call for another schedule only (multi-team)', () => {
    const [finding] = run(scenario([shift({ schedule: 'database' })]));
    expect(finding?.rule).toBe('off-call');
    expect(finding?.message).toMatch(/no shift in schedule primary/);
  });
  it('treats back-to-back shifts as one duty and finds the person through a principal subject', () => {
    const shifts = [shift({ start: at(-300), end: at(-100) }), shift({ start: at(-100), end: at(100) })];
    expect(rulesOf({ entitlements: [entitlement()], grants: [{ ...onCallGrant, subject: entitlement().principal }], shifts })).toEqual([]);
  });
  it('flags a temporary on-call grant longer than maxGrantHours like any other', () => {
    expect(rulesOf({ grants: [grant({ onCall: 'primary', start: at(-2000), end: at(2000) })], shifts: [shift()] })).toEqual(['grant-hygiene']);
  });
  it('loses to expired-grant when an ended temporary grant also matches', () => {
    const findings = rulesOf({ entitlements: [entitlement()], grants: [onCallGrant, grant({ id: 'G-0', start: at(-900), end: at(-800) })], shifts: [] });
    expect(findings).toEqual(['expired-grant']);
  });
});

describe('expired-exception', () => {
  const standing = (reviewBy: string) => grant({ kind: 'standing', start: daysAgo(300), end: undefined, reviewBy });
  it('fires when only standing exceptions past review cover the access', () => {
    const [finding] = run({ entitlements: [entitlement()], grants: [standing(daysAgo(2))] });
    expect(finding).toMatchObject({ rule: 'expired-exception', severity: 'medium', since: daysAgo(2) });
  });
  it('is quiet before reviewBy, and when a temporary grant also covers', () => {
    expect(rulesOf({ entitlements: [entitlement()], grants: [standing(at(60))] })).toEqual([]);
    expect(rulesOf({ entitlements: [entitlement()], grants: [standing(daysAgo(2)), grant({ id: 'G-2' })] })).toEqual([]);
  });
});

describe('grant-hygiene', () => {
  it('flags self-approval, also through another account of the same person', () => {
    expect(run({ grants: [grant({ approver: 'alice@example.com' })] })[0]?.message).toMatch(/self-approved/);
    const people = { people: [{ email: 'alice@example.com', accounts: ['github:acme/alice'] }] };
    expect(run({ grants: [grant({ approver: 'github:acme/alice' })], people })[0]?.message).toMatch(/self-approved/);
  });
  it('flags a missing approver or ticket and a grant longer than maxGrantHours', () => {
    const [finding] = run({ grants: [grant({ approver: undefined, ticket: undefined, start: at(-60), end: at(13 * 60) })] });
    expect(finding?.message).toMatch(/no approver; no ticket; lasts 14h, longer than 12h/);
  });
  it('is quiet for a proper grant and for grants not in effect', () => {
    expect(rulesOf({ grants: [grant()] })).toEqual([]);
    expect(rulesOf({ grants: [grant({ approver: 'alice@example.com', start: at(-500), end: at(-400) })] })).toEqual([]);
  });
});

describe('credentials', () => {
  it('stale-credential: past maxCredentialAgeDays from rotation, else creation; passwords exempt', () => {
    expect(rulesOf({ credentials: [credential({ createdAt: daysAgo(91) })] })).toContain('stale-credential');
    expect(rulesOf({ credentials: [credential({ createdAt: daysAgo(300), rotatedAt: daysAgo(89) })] })).not.toContain('stale-credential');
    expect(rulesOf({ credentials: [credential({ kind: 'console-password', createdAt: daysAgo(900) })] })).toEqual([]);
    expect(rulesOf({ credentials: [credential({ createdAt: daysAgo(300), status: 'inactive' })] })).toEqual([]);
  });
  it('unused-credential: old last use, never used and old; not fresh, not without a signal', () => {
    expect(rulesOf({ credentials: [credential({ lastUsedAt: daysAgo(46) })] })).toEqual(['unused-credential']);
    expect(run({ credentials: [credential({ lastUsedAt: null, createdAt: daysAgo(50) })] })[0]?.message).toMatch(/never been used/);
    expect(rulesOf({ credentials: [credential({ lastUsedAt: null, createdAt: daysAgo(10) })] })).toEqual([]);
    expect(rulesOf({ credentials: [credential({ lastUsedAt: undefined, createdAt: daysAgo(80) })] })).toEqual([]);
  });
  it('break-glass-used: use after the last rotation', () => {
    const glass = principal({ id: 'aws:arn:aws:iam::111111111111:user/glass', name: 'glass', breakGlass: true, email: 'sec@example.com' });
    const key = credential({ principal: glass.id, createdAt: daysAgo(30), lastUsedAt: daysAgo(2) });
    const [finding] = run({ principals: [glass], credentials: [key] });
    expect(finding).toMatchObject({ rule: 'break-glass-used', credential: key.id, since: daysAgo(2) });
    expect(rulesOf({ principals: [glass], credentials: [{ ...key, rotatedAt: daysAgo(1) }] })).toEqual([]);
  });
});

describe('principal rules', () => {
  it('unused-privilege: privileged principal unused for longer than unusedDays', () => {
    const idle = principal({ lastUsedAt: daysAgo(60) });
    expect(rulesOf({ principals: [idle], entitlements: [entitlement()], grants: [grant()] })).toEqual(['unused-privilege']);
    expect(rulesOf({ principals: [principal({ lastUsedAt: daysAgo(5) })], entitlements: [entitlement()], grants: [grant()] })).toEqual([]);
    expect(rulesOf({ principals: [idle], entitlements: [entitlement({ privileged: false, privilege: 'ReadOnlyAccess' })] })).toEqual([]);
  });
  it('unowned-identity: a human account needs its person, an owner does not stand in', () => {
    const stray = principal({ email: undefined });
    const owners = [{ principal: 'aws:*', owner: 'ops@example.com' }];
    expect(rulesOf({ principals: [stray], entitlements: [entitlement()], grants: [grant({ subject: stray.id })], people: { owners } })).toEqual(['unowned-identity']);
  });
  it('unowned-identity: privileged machine identity with no person and no owner', () => {
    expect(rulesOf({ principals: [role], entitlements: [roleAdmin], grants: [grant({ subject: role.id })] })).toEqual(['unowned-identity']);
    expect(
      rulesOf({ principals: [role], entitlements: [roleAdmin], grants: [grant({ subject: role.id })], people: { owners: [{ principal: 'aws:*:role/deploy*', owner: 'ops@example.com' }] } }),
    ).toEqual([]);
    expect(rulesOf({ principals: [{ ...role, owner: 'ops@example.com' }], entitlements: [roleAdmin], grants: [grant({ subject: role.id })] })).toEqual([]);
  });
});

describe('findings', () => {
  it('carry stable ids that differ by path, and config severities', () => {
    const scenario = { entitlements: [entitlement(), entitlement({ via: 'group/Admins' })] };
    const first = run(scenario);
    expect(first.map((finding) => finding.id)).toEqual(run(scenario).map((finding) => finding.id));
    expect(new Set(first.map((finding) => finding.id)).size).toBe(2);
    expect(run({ ...scenario, config: { rules: { severity: { 'standing-privilege': 'critical' } } } })[0]?.severity).toBe('critical');
    expect(rulesOf({ ...scenario, config: { rules: { disabled: ['standing-privilege'] } } })).toEqual([]);
  });
  it('are sorted by severity, then rule, then id, and at most one of the first four fires per entitlement', () => {
    const findings = run({
      principals: [principal({ lastUsedAt: daysAgo(100) })],
      entitlements: [entitlement(), entitlement({ privilege: 'IAMFullAccess' })],
      grants: [grant({ privilege: 'IAMFullAccess', end: at(-200), start: at(-300), revokedAt: at(-250) })],
      credentials: [credential({ createdAt: daysAgo(200), lastUsedAt: daysAgo(100) })],
      now: NOW,
    });
    expect(findings.map((finding) => finding.rule)).toEqual(['revoked-grant', 'standing-privilege', 'stale-credential', 'unused-credential', 'unused-privilege']);
  });
});

describe('findings that depend on duty data not read', () => {
  const scenario = (shifts: ReturnType<typeof shift>[] = []) => ({
    inventory: { principals: [principal()], entitlements: [entitlement()], credentials: [] },
    grants: [grant({ onCall: 'platform' }), grant({ id: 'G-0', start: at(-600), end: at(-120) })],
    shifts,
    people: { people: [], owners: [] },
    config: scenarioConfig(),
    now: new Date(NOW),
  });
  it('are unverifiable, not findings, while the schedule is in doubt', () => {
    const { findings, unverifiable } = evaluateScan({ ...scenario(), scheduleInDoubt: (schedule) => schedule === 'platform' });
    expect(findings.map((finding) => finding.rule)).toEqual([]);
    // Had the on-call grant covered, nothing would fire: the expired grant's finding depends on the schedule too.
    expect(unverifiable).toEqual([expect.objectContaining({ rule: 'expired-grant', principal: entitlement().principal, schedule: 'platform', message: expect.stringMatching(/Not verified: the shifts of schedule platform could not all be read\.$/) })]);
  });
  it('are findings when the schedule was read, and nothing when the shift covers now', () => {
    expect(evaluateScan({ ...scenario(), scheduleInDoubt: () => false }).findings.map((finding) => finding.rule)).toEqual(['expired-grant']);
    const onDuty = evaluateScan({ ...scenario([shift({ schedule: 'platform', start: at(-60), end: at(60) })]), scheduleInDoubt: () => true });
    expect(onDuty).toEqual({ findings: [], unverifiable: [] });
  });
});
