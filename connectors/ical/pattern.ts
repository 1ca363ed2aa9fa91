// `ical.personPattern` runs on RE2 (re2js), a linear-time engine: a pattern such as `^(a+)+$`
// cannot backtrack catastrophically on a hostile SUMMARY. RE2 has no lookarounds and no
// backreferences; a pattern that needs them is refused when the config is read.
import { RE2JS } from 're2js';

/** SUMMARY text past this many characters is not matched (a summary is a line, not a document). */
export const MAX_SUMMARY_CHARS = 4096;

export interface PersonMatch {
  email?: string;
  user?: string;
}

/** Why the pattern cannot be used, or undefined. */
export const personPatternProblem = (source: string): string | undefined => {
  try {
    RE2JS.compile(source);
    return undefined;
  } catch (error) {
    return `invalid or unsupported regular expression (RE2 syntax: no lookarounds or backreferences): ${(error as Error).message}`;
  }
};

/** The `email` and `user` groups of the first match in a summary; `truncated` when it was cut at MAX_SUMMARY_CHARS. */
export const compilePersonPattern = (source: string): ((summary: string) => { match?: PersonMatch; truncated: boolean }) => {
  const pattern = RE2JS.compile(source);
  const groups = pattern.namedGroups();
  return (summary) => {
    const truncated = summary.length > MAX_SUMMARY_CHARS;
    const matcher = pattern.matcher(truncated ? summary.slice(0, MAX_SUMMARY_CHARS) : summary);
    if (!matcher.find()) return { truncated };
    const group = (name: string): string | undefined => (name in groups ? (matcher.group(name) ?? undefined) : undefined);
    return { match: { email: group('email'), user: group('user') }, truncated };
  };
};
