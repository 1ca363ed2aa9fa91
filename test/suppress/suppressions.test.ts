// Suppressions with expiry, from the user's side: config in, reports and exit codes out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, inventory, run, validReport } from '../fixtures/nightly.ts';

const NOW = '2026-11-20T03:00:00Z';
const suppression = (principal: string, until: string, extra: Record<string, string> = {}) => ({
  rule: 'standing-privilege',
  principal,
  reason: 'CI deploy role until the OIDC migration',
  owner: 'platform@example.com',
  ticket: 'SEC-42',
  until,
  ...extra,
});

const scan = async (admins: string[], suppressions: unknown[], extra: string[] = []) => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-suppress-'));
  writeFileSync(join(dir, 'dutybound.yaml'), stringify({ suppressions }));
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory(NOW, admins)));
  const result = await run(['scan', '--config', 'dutybound.yaml', '--inventory', 'inventory.json', '--out', 'out', '--quiet', ...extra], dir);
  const read = (file: string) => readFileSync(join(dir, 'out', file), 'utf8');
  return { ...result, dir, read, report: result.code === 2 ? undefined : JSON.parse(read('report.json')) };
};

describe('suppressions', () => {
  it('reports a suppressed finding as suppressed: counted, listed, not failing the run', async () => {
    const result = await scan(['alice'], [suppression(arn('alice'), '2026-12-31T00:00:00+01:00')]);
    expect(result.code).toBe(0);
    expect(validReport(result.report), JSON.stringify(validReport.errors)).toBe(true);
    expect(result.report.summary).toMatchObject({ findings: 0, suppressed: 1 });
    expect(result.report.findings).toEqual([]);
    expect(result.report.suppressed).toEqual([
      expect.objectContaining({
        rule: 'standing-privilege',
        principal: arn('alice'),
        suppression: { index: 0, rule: 'standing-privilege', principal: arn('alice'), reason: 'CI deploy role until the OIDC migration', owner: 'platform@example.com', ticket: 'SEC-42', until: '2026-12-31T00:00:00+01:00' },
      }),
    ]);
    expect(result.read('summary.md')).toContain('### Suppressed findings (1)');
    expect(result.read('report.html')).toMatch(/<h2 id="suppressed-title">Suppressed findings \(1\)<\/h2>/);
    const sarif = JSON.parse(result.read('report.sarif'));
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(sarif.runs[0].results[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: expect.stringContaining('until 2026-12-31T00:00:00+01:00') }]);
  });

  it('matches principals by glob and by target', async () => {
    const result = await scan(['ci-deploy', 'ci-build', 'alice'], [{ principal: arn('ci-*'), target: ACCOUNT, reason: 'CI', owner: 'ci@example.com', until: '2027-01-01T00:00:00Z' }]);
    expect(result.report.suppressed.map((f: { principal: string }) => f.principal).sort()).toEqual([arn('ci-build'), arn('ci-deploy')]);
    expect(result.report.findings.map((f: { principal: string }) => f.principal)).toEqual([arn('alice')]);
  });

  it('an expired suppression stops suppressing, is itself reported and fails the run', async () => {
    const result = await scan(['alice'], [suppression(arn('alice'), '2026-11-19T00:00:00Z')], ['--fail-on', 'critical']);
    expect(result.code).toBe(1);
    expect(result.report.findings.map((f: { principal: string }) => f.principal)).toEqual([arn('alice')]);
    expect(result.report.suppressions.expired).toEqual([expect.objectContaining({ index: 0, principal: arn('alice'), until: '2026-11-19T00:00:00Z' })]);
    expect(result.report.summary.suppressed).toBe(0);
    expect(result.stderr).toContain('suppression #0 (rule standing-privilege, principal aws:arn:aws:iam::111111111111:user/alice, ticket SEC-42) expired at 2026-11-19T00:00:00Z');
    expect(result.read('summary.md')).toContain('Expired suppressions (1)');
  });

  it('warns about a suppression that matches nothing', async () => {
    const result = await scan(['alice'], [suppression(arn('nobody'), '2027-01-01T00:00:00Z')], ['--fail-on', 'critical']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('suppression #0 (rule standing-privilege, principal aws:arn:aws:iam::111111111111:user/nobody, ticket SEC-42) matched no finding');
    expect(result.report.suppressions.unmatched).toEqual([expect.objectContaining({ index: 0 })]);
  });

  it('refuses a suppression without an offset in until, or one that names nothing to match', async () => {
    const naive = await scan(['alice'], [suppression(arn('alice'), '2027-01-01T00:00:00')]);
    expect(naive.code).toBe(2);
    expect(naive.stderr).toMatch(/suppressions\.0\.until: expected ISO 8601 time with an offset/);
    const everything = await scan(['alice'], [{ reason: 'quiet please', owner: 'x@example.com', until: '2027-01-01T00:00:00Z' }]);
    expect(everything.code).toBe(2);
    expect(everything.stderr).toContain('names at least one of rule, principal or target');
  });
});
