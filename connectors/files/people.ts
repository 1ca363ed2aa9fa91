// The people file: people and the principals that are theirs, and owners of machine identities.
import { extname } from 'node:path';
import { z } from 'zod';
import { inputErrors } from '../../src/errors.ts';
import type { OwnerRule, People, Person } from '../../src/model/index.ts';
import { globMatcher } from '../../src/engine/glob.ts';
import { email, principalPattern, text } from './fields.ts';
import { displayPath, parseStructured, problem, readText, rowIssues, unknownField, withKnownFields } from './rows.ts';
import { appendAll } from '../../src/model/collections.ts';

const mapOf = (what: string) => (issue: { code?: string; input?: unknown }) =>
  issue.code === 'invalid_type' ? `expected a map of ${what} fields, got ${Array.isArray(issue.input) ? 'a list' : typeof issue.input}` : undefined;

export const personSchema = z.strictObject(
  {
    email: email(),
    name: text().optional(),
    accounts: z.array(principalPattern(), { error: (issue) => `expected a list of principal ids, got ${typeof issue.input}` }).default([]),
  },
  { error: mapOf('person') },
);

export const ownerSchema = z.strictObject({ principal: principalPattern(), owner: email() }, { error: mapOf('owner') });

const TOP_LEVEL = ['people', 'owners'];
const isGlob = (pattern: string): boolean => /[*?[\]]/.test(pattern);

/** A glob of one person that matches an account listed for another: the principal would have two people. */
const globConflicts = (
  path: string,
  globs: readonly { glob: string; email: string; line: number; index: number }[],
  exact: ReadonlyMap<string, { email: string; line: number }>,
): string[] =>
  globs.flatMap(({ glob, email, line, index }) => {
    const matches = globMatcher(glob);
    return [...exact]
      .filter(([account, owner]) => owner.email !== email && matches(account))
      .map(([account, owner]) => `${problem(path, line, `accounts[${index}]`, `${glob} also matches ${account}, listed for ${owner.email}`)} at line ${owner.line}`);
  });

/** Reads the people file (YAML or JSON): `people: [{ email, name?, accounts }]`, `owners: [{ principal, owner }]`. */
export const loadPeople = async (path: string): Promise<People> => {
  const problems: string[] = [];
  const { text: content, problem: unreadable } = await readText(path);
  if (unreadable) throw inputErrors('people', [unreadable]);
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension))
    throw inputErrors('people', [`${displayPath(path)}: unknown file type "${extension || path}", expected .yaml, .yml or .json`]);
  const parsed = parseStructured(path, content ?? '', extension === '.json', problems);
  const people: Person[] = [];
  const owners: OwnerRule[] = [];
  if (parsed) {
    const root = parsed.value ?? {};
    if (typeof root !== 'object' || Array.isArray(root)) {
      problems.push(problem(path, parsed.line([]), '', 'expected a map with `people:` and `owners:` lists'));
    } else {
      for (const key of Object.keys(root).filter((name) => !TOP_LEVEL.includes(name)))
        problems.push(problem(path, parsed.line([key]), key, `${unknownField(key, TOP_LEVEL)}, expected people or owners`));
      for (const key of TOP_LEVEL) {
        const list = (root as Record<string, unknown>)[key];
        if (list !== undefined && !Array.isArray(list)) problems.push(problem(path, parsed.line([key]), key, 'expected a list'));
      }
      const byEmail = new Map<string, number>();
      const byAccount = new Map<string, { email: string; line: number }>();
      const globs: { glob: string; email: string; line: number; index: number }[] = [];
      for (const row of parsed.rowsAt(['people'])) {
        const result = personSchema.safeParse(row.value);
        if (!result.success) {
          appendAll(problems, rowIssues(path, row, withKnownFields(result.error.issues, Object.keys(personSchema.shape))));
          continue;
        }
        const person = result.data;
        const first = byEmail.get(person.email);
        if (first !== undefined) {
          problems.push(`${problem(path, row.lineOf(['email']), 'email', `duplicate person ${JSON.stringify(person.email)}`)}, also at line ${first}`);
          continue;
        }
        byEmail.set(person.email, row.lineOf(['email']));
        person.accounts.forEach((account, index) => {
          if (isGlob(account)) return void globs.push({ glob: account, email: person.email, line: row.lineOf(['accounts', index]), index });
          const claimed = byAccount.get(account);
          if (claimed && claimed.email !== person.email)
            problems.push(
              `${problem(path, row.lineOf(['accounts', index]), `accounts[${index}]`, `${account} is also listed for ${claimed.email}`)} at line ${claimed.line}`,
            );
          else byAccount.set(account, { email: person.email, line: row.lineOf(['accounts', index]) });
        });
        people.push(Object.fromEntries(Object.entries(person).filter(([, value]) => value !== undefined)) as unknown as Person);
      }
      appendAll(problems, globConflicts(path, globs, byAccount));
      for (const row of parsed.rowsAt(['owners'])) {
        const result = ownerSchema.safeParse(row.value);
        if (result.success) owners.push(result.data);
        else appendAll(problems, rowIssues(path, row, withKnownFields(result.error.issues, Object.keys(ownerSchema.shape))));
      }
    }
  }
  if (problems.length) throw inputErrors('people', problems);
  return { people, owners };
};
