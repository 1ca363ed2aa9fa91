// zod schemas of the inventory file contract (`--inventory`, written by `collect`). Strict:
// an unknown key (a typo such as `privilaged`) is an input error, never silently dropped.
import { z } from 'zod';
import { LEVELS, SYSTEMS } from './index.ts';
import { parseIsoWithOffset } from './time.ts';

/** ISO 8601 with an offset (`Z` or `+02:00`): a time without one is an input error. */
export const isoTime = z.string().refine((value) => parseIsoWithOffset(value) !== undefined, { message: 'expected ISO 8601 time with an offset' });

const system = z.enum(SYSTEMS);
const lastUsed = isoTime.nullable().optional();

export const principalSchema = z.strictObject({
  id: z.string().min(1),
  system,
  target: z.string(),
  kind: z.string().min(1),
  human: z.union([z.boolean(), z.literal('unknown')]),
  name: z.string(),
  email: z.string().optional(),
  owner: z.string().optional(),
  external: z.boolean().optional(),
  breakGlass: z.boolean().optional(),
  mfa: z.boolean().optional(),
  createdAt: isoTime.optional(),
  lastUsedAt: lastUsed,
});

export const entitlementSchema = z.strictObject({
  principal: z.string().min(1),
  system,
  target: z.string(),
  resource: z.string().default('*'),
  privilege: z.string().min(1),
  level: z.enum(LEVELS),
  privileged: z.boolean(),
  via: z.string().default('direct'),
  grantedAt: isoTime.optional(),
  expiresAt: isoTime.optional(),
  grantId: z.string().optional(),
  lastUsedAt: lastUsed,
  ref: z.record(z.string(), z.unknown()).optional(),
});

export const credentialSchema = z.strictObject({
  id: z.string().min(1),
  system,
  target: z.string(),
  kind: z.string().min(1),
  principal: z.string().optional(),
  name: z.string().optional(),
  createdAt: isoTime,
  rotatedAt: isoTime.optional(),
  lastUsedAt: lastUsed,
  expiresAt: isoTime.optional(),
  status: z.enum(['active', 'inactive']),
  privileged: z.boolean().optional(),
  ref: z.record(z.string(), z.unknown()).optional(),
});

export const coverageSchema = z
  .strictObject({
    system: z.string().min(1),
    target: z.string(),
    status: z.enum(['ok', 'partial', 'failed']),
    error: z.string().optional(),
    notes: z.array(z.string()).optional(),
  })
  .refine((row) => row.status === 'ok' || Boolean(row.error), { message: 'a partial or failed coverage row needs an error saying what was not read', path: ['error'] });

export const inventorySchema = z.strictObject({
  schemaVersion: z.literal(1, { message: 'expected schemaVersion 1' }),
  collectedAt: isoTime,
  coverage: z.array(coverageSchema).default([]),
  principals: z.array(principalSchema).default([]),
  entitlements: z.array(entitlementSchema).default([]),
  credentials: z.array(credentialSchema).default([]),
});
