import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/index.ts';
import { applySuppressions, type Suppression } from './index.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const finding = (principal: string, rule = 'standing-privilege', target = '111111111111'): Finding => ({
  id: `${rule}:${principal}`,
  rule,
  severity: 'high',
  system: 'aws',
  target,
  principal,
  person: null,
  message: 'm',
});
const suppression = (overrides: Partial<Suppression>): Suppression => ({ reason: 'r', owner: 'o@example.com', until: '2026-12-01T00:00:00Z', ...overrides });

describe('applySuppressions', () => {
  it('holds back what an active suppression matches by rule, principal glob and target glob, naming the first that matches', () => {
    const findings = [finding('aws:role/ci-a'), finding('aws:role/ci-b', 'unused-privilege'), finding('aws:user/alice'), finding('aws:role/ci-c', 'standing-privilege', '222222222222')];
    const result = applySuppressions(findings, [suppression({ rule: 'standing-privilege', principal: 'aws:role/ci-*', target: '1111*' }), suppression({ principal: 'aws:role/ci-*' })], NOW);
    expect(result.findings.map((f) => f.principal)).toEqual(['aws:user/alice']);
    expect(result.suppressed.map((f) => [f.principal, f.suppression.index])).toEqual([
      ['aws:role/ci-a', 0],
      ['aws:role/ci-b', 1],
      ['aws:role/ci-c', 1],
    ]);
    expect(result.expired).toEqual([]);
    expect(result.unmatched).toEqual([]);
  });

  it('stops suppressing at until (the instant itself included), and lists expired and unmatched suppressions', () => {
    const findings = [finding('aws:user/alice'), finding('aws:user/bob')];
    const result = applySuppressions(
      findings,
      [suppression({ principal: 'aws:user/alice', until: '2026-11-20T12:00:00Z' }), suppression({ principal: 'aws:user/bob', until: '2026-11-20T13:00:00+01:00' }), suppression({ principal: 'aws:user/carol' })],
      NOW,
    );
    expect(result.findings).toHaveLength(2);
    expect(result.expired.map((s) => s.index)).toEqual([0, 1]);
    expect(result.unmatched.map((s) => s.index)).toEqual([2]);
  });
});
