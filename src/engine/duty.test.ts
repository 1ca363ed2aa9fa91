import { describe, expect, it } from 'vitest';
import { at, entitlement, grant, run, rulesOf, shift } from '../../test/fixtures/builders.ts';
import { dutyGaps } from './duty.ts';
import { indexShifts } from './match.ts';

const onCallGrant = (onCall: string, onCallMaxLevel?: number) => grant({ kind: 'standing', onCall, onCallMaxLevel, start: at(-2000), end: undefined, reviewBy: at(20_000) });

describe('escalation-aware duty', () => {
  const primary = shift({ schedule: 'payments', level: 1, person: 'bob@example.com' });
  const secondary = shift({ schedule: 'payments', level: 2 });
  it('a secondary-tier shift does not satisfy a maxLevel 1 grant, and the finding names the level', () => {
    const [finding] = run({ entitlements: [entitlement()], grants: [onCallGrant('payments', 1)], shifts: [primary, secondary] });
    expect(finding).toMatchObject({ rule: 'off-call', schedule: 'payments' });
    expect(finding?.message).toContain("payments at level 1 or lower");
    expect(finding?.message).toContain("on call now at level 2, above the grant's maxLevel 1");
  });
  it('the same shift satisfies a grant without maxLevel, or with maxLevel 2; a shift with no level counts', () => {
    expect(rulesOf({ entitlements: [entitlement()], grants: [onCallGrant('payments')], shifts: [secondary] })).toEqual([]);
    expect(rulesOf({ entitlements: [entitlement()], grants: [onCallGrant('payments', 2)], shifts: [secondary] })).toEqual([]);
    expect(rulesOf({ entitlements: [entitlement()], grants: [onCallGrant('payments', 1)], shifts: [shift({ schedule: 'payments' })] })).toEqual([]);
  });
  it('levelsAt lists the levels a person is on call at', () => {
    const index = indexShifts([secondary, shift({ schedule: 'payments', level: 3, start: at(-10), end: at(10) }), shift({ schedule: 'payments', level: 1, start: at(-900), end: at(-800) })]);
    expect(index.levelsAt('payments', 'ALICE@example.com', Date.parse(at(0)))).toEqual([2, 3]);
    expect(index.state('payments', 'alice@example.com', Date.parse(at(0)), 1)).toEqual({ onCall: false, lastEndMs: Date.parse(at(-800)) });
  });
});

describe('missing duty data is never "nobody is on call"', () => {
  it('gives no off-call finding for a schedule whose duty is unknown', () => {
    expect(rulesOf({ entitlements: [entitlement()], grants: [onCallGrant('platform')], shifts: [] })).toEqual(['off-call']);
    expect(rulesOf({ entitlements: [entitlement()], grants: [onCallGrant('platform')], shifts: [], unknownSchedules: ['platform'] })).toEqual([]);
  });

  const served = new Map([
    ['platform', 'pagerduty:platform'],
    ['payments', 'pagerduty:payments'],
  ]);
  const grants = [onCallGrant('platform'), onCallGrant('payments'), onCallGrant('database')];
  it('marks failed sources and empty answers for named schedules unknown, with failed coverage', () => {
    const coverage = [
      { system: 'schedule', target: 'pagerduty:platform', status: 'ok' as const },
      { system: 'schedule', target: 'pagerduty:payments', status: 'failed' as const, error: 'HTTP 503' },
    ];
    const gaps = dutyGaps(grants, [], coverage, served);
    expect(gaps.unknownSchedules).toEqual(['payments', 'platform']);
    expect(gaps.coverage[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('no on-call shift in the window read') });
    expect(gaps.coverage[1]).toEqual(coverage[1]);
  });
  it('leaves a schedule no source serves to the warning, unless a feed of unknown names failed', () => {
    const ok = [{ system: 'schedule', target: 'pagerduty:platform', status: 'ok' as const }];
    // payments: served, but no shift at all; database: no source serves it (a warning, and off-call judged as before).
    expect(dutyGaps(grants, [shift({ schedule: 'platform' })], ok, served).unknownSchedules).toEqual(['payments']);
    const feedFailed = [...ok, { system: 'schedule', target: 'https://cal.example.com/***/oncall.ics', status: 'failed' as const, error: 'HTTP 404' }];
    expect(dutyGaps(grants, [shift({ schedule: 'platform' })], feedFailed, served).unknownSchedules).toEqual(['database', 'payments']);
  });
});

describe('evidence', () => {
  it('digests each ledger file and schedule over canonical, sorted records, whatever order they came in', async () => {
    const { buildEvidence, evidenceFileName } = await import('./evidence.ts');
    const window = { start: new Date(at(-1000)), end: new Date(at(1000)) };
    const grants = [grant({ id: 'B', source: 'a.yaml:9' }), grant({ id: 'A', source: 'a.yaml:2' }), grant({ id: 'C', source: 'b.csv:2' })];
    const shifts = [shift({ person: 'zoe@example.com' }), shift({ level: 2 })];
    const first = buildEvidence(grants, shifts, window);
    const again = buildEvidence([...grants].reverse(), [...shifts].reverse(), window);
    expect(again.evidence).toEqual(first.evidence);
    expect(first.evidence.sources.map((source) => [source.kind, source.name, source.records])).toEqual([
      ['ledger', 'a.yaml', 2],
      ['ledger', 'b.csv', 1],
      ['schedule', 'primary', 2],
    ]);
    expect(first.data[0]!.lines.split('\n')[0]).toMatch(/^\{"approver":"bob@example.com","end":.*"id":"A"/);
    // A rewritten past shift changes the digest.
    const edited = buildEvidence(grants, [shift({ person: 'zoe@example.com', end: at(241) }), shift({ level: 2 })], window);
    expect(edited.evidence.sources[2]!.sha256).not.toBe(first.evidence.sources[2]!.sha256);
    expect(evidenceFileName({ kind: 'schedule', name: 'Payments / EU', records: 0, sha256: '' })).toMatch(/^schedule-Payments_EU-[0-9a-f]{8}\.jsonl$/);
  });
});

describe('validate duty summary', () => {
  it('warns when a maxLevel grant names a schedule whose shifts carry no level', async () => {
    const { dutySummary } = await import('../commands/duty-summary.ts');
    const window = { start: new Date(at(-1000)), end: new Date(at(1000)) };
    const people = { people: [{ email: 'alice@example.com', accounts: [] }], owners: [] };
    const levelless = dutySummary({ grants: [onCallGrant('primary', 1)], shifts: [shift()], people }, window, true);
    expect(levelless.at(-1)).toMatch(/^WARNING grant G-1: maxLevel 1 on schedule "primary", whose shifts carry no escalation level: every shift counts$/);
    expect(dutySummary({ grants: [onCallGrant('primary', 1)], shifts: [shift({ level: 1 })], people }, window, true).some((line) => line.startsWith('WARNING'))).toBe(false);
  });
});
