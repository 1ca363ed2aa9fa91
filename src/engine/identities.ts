// Links principals to people (people file first, then the email the system knows) and
// machine identities to owners. Pure: built once per scan, then looked up.
import type { People, Principal } from '../model/index.ts';
import { globMatcher, isGlob, type Matcher } from './glob.ts';

export interface Identities {
  /** The email of the person a principal belongs to, or null. */
  personOf(principalId: string): string | null;
  /** The person a grant subject means: an email is a person; a principal id maps through personOf. */
  personOfSubject(subject: string): string | null;
  ownerOf(principalId: string): string | undefined;
  isBreakGlass(principalId: string): boolean;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const looksLikeEmail = (value: string): boolean => /^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$/.test(value);

interface GlobRule<T> {
  match: Matcher;
  value: T;
}

export const linkIdentities = (principals: readonly Principal[], people: People, breakGlassGlobs: readonly string[] = []): Identities => {
  const byId = new Map<string, Principal>();
  for (const principal of principals) byId.set(principal.id, principal);

  const exactPerson = new Map<string, string>();
  const globPerson: GlobRule<string>[] = [];
  for (const person of people.people) {
    const email = normalizeEmail(person.email);
    for (const account of person.accounts) {
      if (isGlob(account)) globPerson.push({ match: globMatcher(account), value: email });
      else exactPerson.set(account, email);
    }
  }
  const exactOwner = new Map<string, string>();
  const globOwner: GlobRule<string>[] = [];
  for (const rule of people.owners) {
    if (isGlob(rule.principal)) globOwner.push({ match: globMatcher(rule.principal), value: normalizeEmail(rule.owner) });
    else exactOwner.set(rule.principal, normalizeEmail(rule.owner));
  }
  const breakGlass = breakGlassGlobs.map((glob) => globMatcher(glob));

  const personCache = new Map<string, string | null>();
  const personOf = (principalId: string): string | null => {
    const cached = personCache.get(principalId);
    if (cached !== undefined) return cached;
    const principal = byId.get(principalId);
    const person =
      exactPerson.get(principalId) ??
      globPerson.find((rule) => rule.match(principalId))?.value ??
      (principal?.email ? normalizeEmail(principal.email) : null);
    personCache.set(principalId, person);
    return person;
  };

  return {
    personOf,
    personOfSubject: (subject) => (looksLikeEmail(subject) ? normalizeEmail(subject) : personOf(subject)),
    ownerOf: (principalId) => {
      const principal = byId.get(principalId);
      return exactOwner.get(principalId) ?? globOwner.find((rule) => rule.match(principalId))?.value ?? principal?.owner;
    },
    isBreakGlass: (principalId) => byId.get(principalId)?.breakGlass === true || breakGlass.some((match) => match(principalId)),
  };
};
