import { describe, expect, it } from 'vitest';
import { judgedBy } from './history.ts';

describe('judgedBy', () => {
  it('judges a target read completely, never a failed one, one outside the scan, or anything when a source failed', () => {
    const judged = judgedBy([
      { system: 'aws', target: '1', status: 'ok' },
      { system: 'aws', target: '2', status: 'partial', error: 'throttled' },
      { system: 'github', target: 'acme', status: 'ok' },
      { system: 'ledger', target: 'grants.yaml', status: 'ok' },
    ]);
    expect(judged('aws', '1')).toBe(true);
    expect(judged('aws', '2')).toBe(false);
    expect(judged('kubernetes', 'prod')).toBe(false);
    // A grant's glob target: only when every target of that system was read.
    expect(judged('github', 'acme-*')).toBe(true);
    expect(judged('aws', '*')).toBe(false);
    const sourceFailed = judgedBy([
      { system: 'aws', target: '1', status: 'ok' },
      { system: 'schedule', target: 'oncall.ics', status: 'failed', error: '503' },
    ]);
    expect(sourceFailed('aws', '1')).toBe(false);
  });
});
