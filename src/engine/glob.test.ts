import { describe, expect, it } from 'vitest';
import { globMatches } from './glob.ts';

describe('globs', () => {
  it('match `*` as any run and `?` as one character, anchored at both ends', () => {
    expect(globMatches('prod-*', 'prod-eu')).toBe(true);
    expect(globMatches('prod-*', 'prod-')).toBe(true);
    expect(globMatches('prod-*', 'staging-prod-eu')).toBe(false);
    expect(globMatches('*-admin', 'repo-admin')).toBe(true);
    expect(globMatches('a?c', 'abc')).toBe(true);
    expect(globMatches('a?c', 'ac')).toBe(false);
    expect(globMatches('a*b*c', 'axxbyyc')).toBe(true);
    expect(globMatches('a*b*c', 'axxbyy')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a**', 'a')).toBe(true);
    expect(globMatches('aws:arn:aws:iam::*:role/terraform-*', 'aws:arn:aws:iam::012345678901:role/terraform-ci')).toBe(true);
    // Regular-expression characters are plain text; a newline is a character like any other.
    expect(globMatches('a.b(c)+', 'a.b(c)+')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('a*z', 'a\nz')).toBe(true);
    // Prefix and suffix may not overlap; middle parts must fit between them.
    expect(globMatches('a*a', 'a')).toBe(false);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('a*bc*c', 'abc')).toBe(false);
    expect(globMatches('a*bc*c', 'abcc')).toBe(true);
    expect(globMatches('a*bc*c', 'abcxc')).toBe(true);
    expect(globMatches('a?*?z', 'abz')).toBe(false);
    expect(globMatches('a?*?z', 'abcz')).toBe(true);
  });

  it('a hostile glob against a long value ends at once (no exponential backtracking)', () => {
    const value = 'a'.repeat(5000);
    const started = performance.now();
    expect(globMatches(`${'*a'.repeat(30)}*b`, value)).toBe(false);
    expect(globMatches(`${'*a?'.repeat(20)}*b`, value)).toBe(false);
    // A regular expression of .*s takes longer than the age of the universe here.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
