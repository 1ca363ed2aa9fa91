// zod field types whose messages say what was expected and what was found.
import { z } from 'zod';
import type { Grant } from '../../src/model/index.ts';
import { parseIsoWithOffset } from '../../src/model/time.ts';
import { describeValue, EMAIL, PRINCIPAL_ID } from './rows.ts';

const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'required' : `expected ${what}, got ${describeValue(issue.input)}`;

export const text = () => z.string({ error: expected('a string') }).trim().min(1, { error: 'expected a non-empty string' });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expected(`one of ${values.join(', ')}`) });

export const isoTime = () =>
  z.string({ error: expected('ISO 8601 time with an offset') }).superRefine((value, ctx) => {
    if (!parseIsoWithOffset(value)) ctx.addIssue({ code: 'custom', message: `expected ISO 8601 time with an offset, got ${JSON.stringify(value)}` });
  });

export const email = () =>
  z
    .string({ error: expected('an email address') })
    .trim()
    .superRefine((value, ctx) => {
      if (!EMAIL.test(value)) ctx.addIssue({ code: 'custom', message: `expected an email address, got ${JSON.stringify(value)}` });
    })
    .transform((value) => value.toLowerCase());

/** A person's email (lower-cased) or a principal id such as `github:acme/alice`. */
export const subject = () =>
  z
    .string({ error: expected('an email or a principal id') })
    .trim()
    .superRefine((value, ctx) => {
      if (!EMAIL.test(value) && !PRINCIPAL_ID.test(value))
        ctx.addIssue({
          code: 'custom',
          message: `expected an email or a principal id (aws:…, github:…, kubernetes:…), got ${JSON.stringify(value)}`,
        });
    })
    .transform((value) => (PRINCIPAL_ID.test(value) ? value : value.toLowerCase()));

/** A principal id or glob (`github:acme/*`). */
export const principalPattern = () =>
  z
    .string({ error: expected('a principal id or glob') })
    .trim()
    .superRefine((value, ctx) => {
      if (!PRINCIPAL_ID.test(value))
        ctx.addIssue({
          code: 'custom',
          message: `expected a principal id or glob starting with aws:, github: or kubernetes:, got ${JSON.stringify(value)}`,
        });
    });

/** An ISO time with an offset, normalised (`…Z`); undefined stays undefined. */
export const isoOf = (value: string | undefined): string | undefined => (value === undefined ? undefined : parseIsoWithOffset(value)?.toISOString());

/** A grant without its absent fields (every ledger source makes them so). */
export const compactGrant = (grant: Grant): Grant => Object.fromEntries(Object.entries(grant).filter(([, value]) => value !== undefined)) as unknown as Grant;
