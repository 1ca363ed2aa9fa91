// Ledger globs (`*`, `?`) matched against entitlement fields; compiled once per pattern.

export type Matcher = (value: string) => boolean;

const matchAll: Matcher = () => true;
const cache = new Map<string, Matcher>();

/**
 * `*` any run, `?` one character. Matched by the classic two-pointer walk that only ever returns
 * to the last `*`: at most pattern × value steps, where a regular expression of `.*`s can
 * backtrack exponentially on a hostile glob such as `*a*a*a*a*a*a*a*b`.
 */
const wildcard =
  (pattern: string): Matcher =>
  (value) => {
    let p = 0;
    let v = 0;
    let star = -1;
    let resume = 0;
    while (v < value.length) {
      const token = pattern[p];
      if (token === '*') {
        star = p++;
        resume = v;
      } else if (p < pattern.length && (token === '?' || token === value[v])) {
        p += 1;
        v += 1;
      } else if (star >= 0) {
        p = star + 1;
        v = ++resume;
      } else return false;
    }
    while (pattern[p] === '*') p += 1;
    return p === pattern.length;
  };

/**
 * A glob of `*` only: its first part a prefix, its last a suffix, each middle part found left to
 * right with indexOf (leftmost is always right when nothing but `*` lies between parts).
 */
const starsOnly = (pattern: string): Matcher => {
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter(Boolean);
  const minLength = first.length + last.length;
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const part of middle) {
      const found = value.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
};

const compile = (pattern: string): Matcher => {
  if (pattern === '*') return matchAll;
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  return pattern.includes('?') ? wildcard(pattern) : starsOnly(pattern);
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
