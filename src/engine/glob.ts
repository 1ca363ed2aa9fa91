// Ledger globs (`*`, `?`) matched against entitlement fields; compiled once per pattern.

export type Matcher = (value: string) => boolean;

const matchAll: Matcher = () => true;
const cache = new Map<string, Matcher>();

const compile = (pattern: string): Matcher => {
  if (pattern === '*') return matchAll;
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
};

export const globMatcher = (pattern: string): Matcher => {
  let matcher = cache.get(pattern);
  if (!matcher) {
    matcher = compile(pattern);
    cache.set(pattern, matcher);
  }
  return matcher;
};

export const globMatches = (pattern: string, value: string): boolean => globMatcher(pattern)(value);

export const isGlob = (pattern: string): boolean => /[*?]/.test(pattern);
