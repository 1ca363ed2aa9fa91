// `dutybound scan` from the user's side with the duty read live from the fake PagerDuty:
// covered and off-call results, escalation levels, permanent on-calls, and missing duty data
// (a failed or empty source) giving exit 3 and no off-call finding that depends on it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principal, entitlement } from '../fixtures/builders.ts';
import type { PagerdutyEstate } from '../../src/sim/pagerduty/estate.ts';
import { startPagerdutyFake, type PagerdutyFake } from '../../src/sim/pagerduty/fake.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'u+scanToken-41d0c8e2';
const NOW = '2026-11-16T10:00:00Z';

const cli = (args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const people = ['ana', 'ben', 'cara', 'dan', 'eve'];
const user = (name: string) => ({ id: `PU${name.toUpperCase()}`, name, email: `${name}@example.com` });

/** platform: Ana on call now, Ben until three days ago. payments: Cara on the secondary tier (level 2), Dan named directly at level 3. */
const estate: PagerdutyEstate = {
  users: people.map(user),
  schedules: [
    {
      id: 'PSPLAT',
      name: 'Platform',
      shifts: [
        { user: 'PUBEN', start: '2026-11-06T08:00:00Z', end: '2026-11-13T08:00:00Z' },
        { user: 'PUANA', start: '2026-11-13T08:00:00Z', end: '2026-11-20T08:00:00Z' },
      ],
    },
    { id: 'PSPAYP', name: 'Payments primary', shifts: [{ user: 'PUEVE', start: '2026-11-15T00:00:00Z', end: '2026-11-17T00:00:00Z' }] },
    { id: 'PSPAYS', name: 'Payments secondary', shifts: [{ user: 'PUCARA', start: '2026-11-15T00:00:00Z', end: '2026-11-17T00:00:00Z' }] },
    { id: 'PSUNUSED', name: 'Used by no policy', shifts: [{ user: 'PUEVE', start: '2026-11-15T00:00:00Z', end: '2026-11-17T00:00:00Z' }] },
  ],
  policies: [
    { id: 'PEPLAT', name: 'Platform', rules: [{ targets: [{ type: 'schedule_reference', id: 'PSPLAT' }] }] },
    {
      id: 'PEPAY',
      name: 'Payments',
      rules: [{ targets: [{ type: 'schedule_reference', id: 'PSPAYP' }] }, { targets: [{ type: 'schedule_reference', id: 'PSPAYS' }] }, { targets: [{ type: 'user_reference', id: 'PUDAN' }] }],
    },
  ],
  timeZone: 'America/New_York',
};

const grant = (id: string, who: string, onCall: unknown) => ({
  id,
  subject: `${who}@example.com`,
  system: 'github',
  target: 'acme',
  privilege: 'org-owner',
  kind: 'standing',
  reviewBy: '2027-06-01T00:00:00Z',
  onCall,
  approver: 'lead@example.com',
  ticket: `OPS-${id}`,
});

let fake: PagerdutyFake;
let failing: PagerdutyFake;
let dir: string;

const writeFixture = (grants: unknown[], pagerduty: Record<string, unknown>): string => {
  const config = join(dir, `dutybound-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(join(dir, 'grants.json'), JSON.stringify(grants, null, 2));
  writeFileSync(config, JSON.stringify({ ledger: ['grants.json'], pagerduty }));
  return config;
};

const scan = async (config: string) => {
  const out = mkdtempSync(join(dir, 'out-'));
  const evidence = join(out, 'evidence');
  const run = await cli(['scan', '--config', config, '--inventory', join(dir, 'inventory.json'), '--now', NOW, '--out', out, '--evidence', evidence], { PAGERDUTY_TOKEN: TOKEN });
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    complete: boolean;
    coverage: { system: string; target: string; status: string; error?: string }[];
    findings: { rule: string; principal: string; message: string; grant?: string }[];
    evidence: { window: { start: string; end: string }; sources: { kind: string; name: string; records: number; sha256: string }[] };
  };
  const files = (path: string) => readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => readFileSync(join(path, entry.name), 'utf8'));
  const written = [...files(out), ...files(evidence)];
  return { ...run, report, written, evidence, offCall: report.findings.filter((finding) => finding.rule === 'off-call').map((finding) => finding.grant).sort() };
};

beforeAll(async () => {
  fake = await startPagerdutyFake(estate, { token: TOKEN });
  failing = await startPagerdutyFake(estate, { token: TOKEN, inject: (request) => ({ status: 503, headers: { 'retry-after': '0' }, body: { error: { message: `overloaded; saw ${String(request.headers.authorization)}` } } }) });
  dir = mkdtempSync(join(tmpdir(), 'dutybound-pagerduty-'));
  const principals = people.map((name) => principal({ id: `github:acme/${name}`, system: 'github', target: 'acme', name, email: `${name}@example.com` }));
  const entitlements = people.map((name) => entitlement({ principal: `github:acme/${name}`, system: 'github', target: 'acme', privilege: 'org-owner' }));
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify({ schemaVersion: 1, collectedAt: NOW, coverage: [{ system: 'github', target: 'acme', status: 'ok' }], principals, entitlements, credentials: [] }));
});

afterAll(async () => {
  await fake.close();
  await failing.close();
});

const grants = [
  grant('G-ANA', 'ana', 'platform'),
  grant('G-BEN', 'ben', 'platform'),
  grant('G-CARA', 'cara', { schedule: 'payments', maxLevel: 1 }),
  grant('G-DAN', 'dan', 'payments'),
  grant('G-EVE', 'eve', { schedule: 'payments', maxLevel: 1 }),
];

describe('dutybound scan with PagerDuty', () => {
  it('covers who is on call, flags who is not or only on a higher tier, and honours permanent on-calls', async () => {
    const run = await scan(writeFixture(grants, { baseUrl: fake.url, schedules: { platform: 'PSPLAT' }, escalationPolicies: { payments: 'PEPAY' } }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.report.complete).toBe(true);
    expect(run.report.coverage.filter((row) => row.system === 'schedule')).toEqual([
      { system: 'schedule', target: 'pagerduty:payments', status: 'ok', notes: ['1 permanent on-call entry (a user the escalation policy names directly)'] },
      { system: 'schedule', target: 'pagerduty:platform', status: 'ok' },
    ]);
    // Ana and Eve (primary tier) are on call, Dan permanently; Ben's week ended; Cara is on the secondary tier only.
    expect(run.offCall).toEqual(['G-BEN', 'G-CARA']);
    const cara = run.report.findings.find((finding) => finding.grant === 'G-CARA')!;
    expect(cara.message).toContain("on call now at level 2, above the grant's maxLevel 1");
    for (const text of [run.stdout, run.stderr, ...run.written]) expect(text).not.toContain(TOKEN);

    // The evidence: per ledger file and per schedule, the data judged by and its sha256, the same in report.json and on disk.
    expect(run.report.evidence.window).toEqual({ start: '2026-08-18T10:00:00.000Z', end: '2026-12-16T10:00:00.000Z' });
    expect(run.report.evidence.sources.map((source) => [source.kind, source.name, source.records])).toEqual([
      ['ledger', 'grants.json', 5],
      ['schedule', 'payments', 3],
      ['schedule', 'platform', 2],
    ]);
    const index = JSON.parse(readFileSync(join(run.evidence, 'index.json'), 'utf8')) as { files: Record<string, string> };
    for (const source of run.report.evidence.sources) {
      const text = readFileSync(join(run.evidence, `${source.kind}-${source.name}.jsonl`), 'utf8');
      expect(createHash('sha256').update(text).digest('hex')).toBe(source.sha256);
      expect(index.files[`${source.kind}-${source.name}.jsonl`]).toBe(source.sha256);
    }
    const payments = readFileSync(join(run.evidence, 'schedule-payments.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(payments).toContainEqual(expect.objectContaining({ person: 'dan@example.com', level: 3, permanent: true }));
    expect(payments).toContainEqual(expect.objectContaining({ person: 'cara@example.com', level: 2, start: '2026-11-15T00:00:00.000Z' }));
  });

  it('exits 3 with no off-call finding for a schedule grants name that the source answered empty for', async () => {
    const run = await scan(
      writeFixture([...grants, grant('G-EVE-UNUSED', 'eve', 'unused')], { baseUrl: fake.url, schedules: { platform: 'PSPLAT', unused: 'PSUNUSED' }, escalationPolicies: { payments: 'PEPAY' } }),
    );
    expect(run.code).toBe(3);
    expect(run.report.complete).toBe(false);
    expect(run.report.coverage.find((row) => row.target === 'pagerduty:unused')).toMatchObject({ status: 'failed', error: expect.stringContaining('no on-call shift') });
    expect(run.offCall).toEqual(['G-BEN', 'G-CARA']);
    expect(run.stdout).toContain('schedule:pagerduty:unused failed');
  });

  it('exits 3 with no off-call finding at all when PagerDuty fails, and never prints the token', async () => {
    const run = await scan(writeFixture(grants, { baseUrl: failing.url, schedules: { platform: 'PSPLAT' }, escalationPolicies: { payments: 'PEPAY' } }));
    expect(run.code).toBe(3);
    expect(run.offCall).toEqual([]);
    expect(run.report.coverage.filter((row) => row.system === 'schedule').map((row) => [row.target, row.status])).toEqual([
      ['pagerduty:payments', 'failed'],
      ['pagerduty:platform', 'failed'],
    ]);
    expect(run.report.coverage.find((row) => row.target === 'pagerduty:platform')!.error).toContain('HTTP 503 (overloaded; saw Token token=***)');
    for (const text of [run.stdout, run.stderr, ...run.written]) expect(text).not.toContain(TOKEN);
  });

  it('validate shows each schedule read, its levels and permanent on-calls, and who the people file lacks', async () => {
    const config = writeFixture(grants, { baseUrl: fake.url, schedules: { platform: 'PSPLAT' }, escalationPolicies: { payments: 'PEPAY' } });
    writeFileSync(join(dir, 'people.json'), JSON.stringify({ people: [{ email: 'ana@example.com', accounts: [] }] }));
    const run = await cli(['validate', '--config', config, '--people', join(dir, 'people.json'), '--now', NOW], { PAGERDUTY_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  window read: 2026-08-18T10:00:00.000Z → 2026-12-16T10:00:00.000Z');
    expect(run.stdout).toContain('  payments: 3 shifts, 2026-08-18T10:00:00.000Z → 2026-12-16T10:00:00.000Z, levels 1, 2, 3, 1 permanent');
    expect(run.stdout).toContain('  platform: 2 shifts, 2026-11-06T08:00:00.000Z → 2026-11-20T08:00:00.000Z, levels 1');
    expect(run.stdout).toContain('WARNING schedule platform: on call but not in the people file (linked only by the email their systems record): ben@example.com');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('refuses a config naming PagerDuty without PAGERDUTY_TOKEN (exit 2, nothing scanned)', async () => {
    const config = writeFixture(grants, { baseUrl: fake.url, schedules: { platform: 'PSPLAT' } });
    const run = await cli(['scan', '--config', config, '--inventory', join(dir, 'inventory.json'), '--now', NOW, '--out', join(dir, 'never')], { PAGERDUTY_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PAGERDUTY_TOKEN is not set');
  });
});
