import { describe, expect, it } from 'vitest';
import { RULE_IDS, SEVERITIES } from '../src/model/index.ts';
import type { Finding } from '../src/model/index.ts';
import { buildReport } from './build.ts';
import { sampleCoverage, sampleFindings, sampleReport, sampleRules } from './test-fixtures.ts';

const base = { now: '2026-11-22T12:00:00Z', generatedAt: '2026-11-22T12:00:01Z', version: '1.2.3', rules: sampleRules };
const finding = (id: string, rule: Finding['rule'], severity: Finding['severity']): Finding => ({
  id, rule, severity, system: 'aws', target: '123456789012', principal: 'aws:arn:aws:iam::123456789012:user/a', person: null, message: id,
});

describe('buildReport', () => {
  it('sorts findings by severity, then rule id, then id', () => {
    const findings = [
      finding('b', 'unused-privilege', 'low'),
      finding('z', 'off-call', 'high'),
      finding('a', 'standing-privilege', 'high'),
      finding('y', 'expired-grant', 'high'),
      finding('c', 'revoked-grant', 'critical'),
      finding('x', 'expired-grant', 'high'),
      finding('m', 'grant-hygiene', 'medium'),
    ];
    const report = buildReport({ ...base, findings, coverage: [] });
    expect(report.findings.map((f) => f.id)).toEqual(['c', 'x', 'y', 'z', 'a', 'm', 'b']);
    expect(findings[0]?.id).toBe('b'); // the input is not reordered
  });

  it('counts every severity and every catalogue rule, zeros included', () => {
    const report = buildReport({ ...base, findings: [finding('a', 'off-call', 'high'), finding('b', 'off-call', 'critical')], coverage: [] });
    expect(Object.keys(report.summary.bySeverity)).toEqual([...SEVERITIES]);
    expect(report.summary.bySeverity).toEqual({ critical: 1, high: 1, medium: 0, low: 0 });
    expect(Object.keys(report.summary.byRule)).toEqual([...RULE_IDS]);
    expect(report.summary.byRule['off-call']).toBe(2);
    expect(report.summary.byRule['revoked-grant']).toBe(0);
    expect(report.summary.findings).toBe(2);
  });

  it('counts a finding whose rule is outside the catalogue', () => {
    const report = buildReport({ ...base, rules: sampleRules.slice(0, 2), findings: [finding('a', 'off-call', 'high')], coverage: [] });
    expect(report.summary.byRule).toEqual({ 'revoked-grant': 0, 'expired-grant': 0, 'off-call': 1 });
  });

  it('summary totals agree with the findings on a large mixed set', () => {
    const report = sampleReport(500);
    const total = Object.values(report.summary.bySeverity).reduce((a, b) => a + b, 0);
    expect(total).toBe(500);
    expect(Object.values(report.summary.byRule).reduce((a, b) => a + b, 0)).toBe(500);
    for (const s of SEVERITIES) expect(report.summary.bySeverity[s]).toBe(report.findings.filter((f) => f.severity === s).length);
  });

  it('is complete only when every coverage row is ok, and sorts coverage', () => {
    expect(sampleReport(1).complete).toBe(true);
    const incomplete = sampleReport(1, { failed: true });
    expect(incomplete.complete).toBe(false);
    const shuffled = buildReport({ ...base, findings: [], coverage: [...sampleCoverage()].reverse() });
    expect(shuffled.coverage.map((c) => c.system)).toEqual(['aws', 'github', 'kubernetes', 'ledger']);
  });

  it('marks new findings and records drift against a baseline', () => {
    const before = buildReport({ ...base, findings: [finding('kept', 'off-call', 'high'), finding('gone-2', 'off-call', 'high'), finding('gone-1', 'expired-grant', 'high')], coverage: [] });
    const after = buildReport({ ...base, baseline: before, findings: [finding('new-b', 'off-call', 'low'), finding('kept', 'off-call', 'high'), finding('new-a', 'revoked-grant', 'critical')], coverage: [] });
    expect(after.findings.map((f) => [f.id, f.new])).toEqual([['new-a', true], ['kept', false], ['new-b', true]]);
    expect(after.drift).toEqual({ added: ['new-a', 'new-b'], removed: ['gone-1', 'gone-2'] });
  });

  it('has no drift and leaves `new` unset without a baseline', () => {
    const report = sampleReport(20);
    expect(report.drift).toBeUndefined();
    expect(report.findings.every((f) => !('new' in f))).toBe(true);
  });

  it('is pure: the same input gives the same report, and the input is not mutated', () => {
    const findings = sampleFindings(200);
    const snapshot = JSON.stringify(findings);
    const input = { ...base, findings, coverage: sampleCoverage(true) };
    expect(JSON.stringify(buildReport(input))).toBe(JSON.stringify(buildReport(input)));
    expect(JSON.stringify(findings)).toBe(snapshot);
    expect(buildReport({ ...input, findings: [...findings].reverse() })).toEqual(buildReport(input));
  });
});
