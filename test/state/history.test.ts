// Scan history from the user's side: `scan --state FILE` night after night, and `--baseline` agreeing with it.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, admin, arn, inventory, run, validReport } from '../fixtures/nightly.ts';
import { StateStore } from '../../src/state/index.ts';
import { MIGRATIONS } from '../../src/state/migrations.ts';

const nights = ['2026-11-01T03:00:00Z', '2026-11-04T03:00:00Z', '2026-11-06T03:00:00Z'];

/** Scans one night's inventory; returns the exit code and report.json. */
const night = async (dir: string, index: number, admins: string[], history: string[], status: 'ok' | 'failed' = 'ok') => {
  const file = join(dir, `inventory-${index}.json`);
  writeFileSync(file, JSON.stringify(inventory(nights[index]!, admins, status)));
  const out = join(dir, `night-${index}`);
  const result = await run(['scan', '--inventory', file, '--out', out, '--quiet', ...history], dir);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(validReport(report), JSON.stringify(validReport.errors)).toBe(true);
  return { ...result, out, report };
};

type ReportFinding = { id: string; principal: string; new: boolean; firstSeen: string; ageDays: number };
const byPrincipal = (report: { findings: ReportFinding[] }, name: string) => report.findings.find((f) => f.principal === arn(name));

describe('scan --state', () => {
  it('follows a finding from new, to still open with its age, to resolved, with the right dates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    const state = ['--state', 'state.db'];

    const first = await night(dir, 0, ['alice'], state);
    expect(first.code).toBe(1);
    const alice1 = byPrincipal(first.report, 'alice')!;
    expect(alice1).toMatchObject({ new: true, firstSeen: '2026-11-01T03:00:00.000Z', ageDays: 0 });
    expect(first.report.drift.added).toEqual([alice1.id]);
    expect(first.report.drift.since).toBeUndefined();

    const second = await night(dir, 1, ['alice', 'bob'], state);
    expect(byPrincipal(second.report, 'alice')).toMatchObject({ id: alice1.id, new: false, firstSeen: '2026-11-01T03:00:00.000Z', ageDays: 3 });
    expect(byPrincipal(second.report, 'bob')).toMatchObject({ new: true, ageDays: 0 });
    expect(second.report.drift).toMatchObject({ since: '2026-11-01T03:00:00.000Z', removed: [], resolved: [] });
    expect(second.report.drift.entitlements).toEqual({ added: [admin('bob')].map(({ privileged: _p, ...e }) => e), removed: [] });
    expect(readFileSync(join(second.out, 'summary.md'), 'utf8')).toMatch(/3 days/);

    const third = await night(dir, 2, ['bob'], state);
    expect(third.report.drift.removed).toEqual([alice1.id]);
    expect(third.report.drift.resolved).toEqual([
      {
        id: alice1.id,
        rule: 'standing-privilege',
        severity: 'high',
        system: 'aws',
        target: ACCOUNT,
        principal: arn('alice'),
        privilege: 'AdministratorAccess',
        resource: '*',
        firstSeen: '2026-11-01T03:00:00.000Z',
        resolvedAt: '2026-11-06T03:00:00.000Z',
      },
    ]);
    expect(third.report.drift.entitlements.removed).toEqual([expect.objectContaining({ principal: arn('alice'), privilege: 'AdministratorAccess' })]);
    const summary = readFileSync(join(third.out, 'summary.md'), 'utf8');
    expect(summary).toContain('Resolved since the previous run (2026-11-04T03:00:00.000Z)');
    expect(summary).toContain(`| standing-privilege | high | ${arn('alice')} | aws ${ACCOUNT} | AdministratorAccess | 2026-11-01T03:00:00.000Z |`);
    const html = readFileSync(join(third.out, 'report.html'), 'utf8');
    expect(html).toMatch(new RegExp(`<tr data-finding-id="${alice1.id}"><td><code>standing-privilege</code></td>.*${arn('alice').replace(/[:/]/g, '.')}`));
    expect(html).toContain('Privileged entitlements since the previous run: 0 added, 1 removed');
    const sarif = JSON.parse(readFileSync(join(third.out, 'report.sarif'), 'utf8'));
    expect(sarif.runs[0].properties.drift).toMatchObject({ removed: 1, resolved: [expect.objectContaining({ principal: arn('alice') })] });
    expect(sarif.runs[0].results[0].properties).toMatchObject({ firstSeen: '2026-11-04T03:00:00.000Z', ageDays: 2 });

    const store = await StateStore.open(join(dir, 'state.db'));
    const stored = Object.fromEntries(store.findings().map((f) => [f.principal, f]));
    expect(stored[arn('alice')]).toMatchObject({ firstSeen: '2026-11-01T03:00:00.000Z', lastSeen: '2026-11-04T03:00:00.000Z', resolvedAt: '2026-11-06T03:00:00.000Z', timesSeen: 2 });
    expect(stored[arn('bob')]).toMatchObject({ firstSeen: '2026-11-04T03:00:00.000Z', lastSeen: '2026-11-06T03:00:00.000Z', timesSeen: 2 });
    expect(stored[arn('bob')]?.resolvedAt).toBeUndefined();
    expect(store.scans().map((s) => s.now)).toEqual(nights.map((n) => new Date(n).toISOString()));
    expect(store.scans()[0]?.inventoryDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    store.close();
  });

  it('never resolves what a failed connector could not see', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    await night(dir, 0, ['alice'], ['--state', 'state.db']);
    const failed = await night(dir, 1, [], ['--state', 'state.db'], 'failed');
    expect(failed.code).toBe(3);
    expect(failed.report.drift.removed).toEqual([]);
    const later = await night(dir, 2, ['alice'], ['--state', 'state.db']);
    expect(byPrincipal(later.report, 'alice')).toMatchObject({ new: false, firstSeen: '2026-11-01T03:00:00.000Z', ageDays: 5 });
  });

  it('agrees with --baseline on new, resolved and ages', async () => {
    const viaStore = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    const viaBaseline = mkdtempSync(join(tmpdir(), 'dutybound-baseline-'));
    const estates = [['alice', 'carol'], ['alice', 'bob'], ['bob']];
    for (const [index, admins] of estates.entries()) {
      const fromStore = await night(viaStore, index, admins, ['--state', 'state.db']);
      const fromBaseline = await night(viaBaseline, index, admins, index === 0 ? [] : ['--baseline', join(viaBaseline, `night-${index - 1}`, 'report.json')]);
      if (index === 0) continue;
      expect(fromBaseline.report.findings).toEqual(fromStore.report.findings);
      const { entitlements: _onlyInTheStore, ...storeDrift } = fromStore.report.drift;
      expect(fromBaseline.report.drift).toEqual(storeDrift);
    }
  });

  it('--fail-on-new fails only on new findings at or above the severity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    const args = ['--state', 'state.db', '--fail-on-new', 'high'];
    expect((await night(dir, 0, ['alice'], args)).code).toBe(1);
    expect((await night(dir, 1, ['alice'], args)).code).toBe(0);
    expect((await night(dir, 2, ['alice', 'bob'], args)).code).toBe(1);
    const without = await run(['scan', '--inventory', join(dir, 'inventory-0.json'), '--fail-on-new', 'high', '--out', join(dir, 'x')], dir);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--fail-on-new: needs the previous run');
  });
});

describe('a store that cannot be trusted', () => {
  const scanWith = async (setup: (path: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    const path = join(dir, 'state.db');
    setup(path);
    const before = readFileSync(path);
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory(nights[0]!, ['alice'])));
    const result = await run(['scan', '--inventory', 'inventory.json', '--state', 'state.db', '--out', 'out', '--quiet'], dir);
    return { ...result, untouched: readFileSync(path).equals(before) };
  };

  it('is exit 2 with a clear message when the file is not a database, and is left as it is', async () => {
    const result = await scanWith((path) => writeFileSync(path, 'this is not SQLite, it is a truncated download\n'.repeat(200)));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--state .*state\.db: cannot use the state store \(file is not a database\); it was left as it is/);
    expect(result.untouched).toBe(true);
  });

  it('is exit 2 when a newer dutybound wrote it', async () => {
    const result = await scanWith((path) => {
      const db = new DatabaseSync(path);
      db.exec(MIGRATIONS.join(';'));
      db.exec(`PRAGMA application_id = ${0x64757479}; PRAGMA user_version = ${MIGRATIONS.length + 1}`);
      db.close();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`written by a newer dutybound (store schema ${MIGRATIONS.length + 1}, this version reads up to ${MIGRATIONS.length})`);
    expect(result.untouched).toBe(true);
  });

  it('is exit 2 when it is some other SQLite database', async () => {
    const result = await scanWith((path) => {
      const db = new DatabaseSync(path);
      db.exec('CREATE TABLE notes (body TEXT)');
      db.close();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a SQLite file but not a dutybound state store');
    expect(result.untouched).toBe(true);
  });

  it('is exit 2 when its pages are damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    await night(dir, 0, ['alice', 'bob', 'carol'], ['--state', 'state.db']);
    const result = await scanWith((path) => {
      copyFileSync(join(dir, 'state.db'), path);
      const bytes = readFileSync(path);
      bytes.fill(0xff, 4096, bytes.length);
      writeFileSync(path, bytes);
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--state .*state\.db: (the store is damaged|cannot use the state store)/);
  });

  it('migrates a fresh file to the latest schema version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-state-'));
    const store = await StateStore.open(join(dir, 'new.db'));
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.previous()).toBeUndefined();
    store.close();
  });
});
