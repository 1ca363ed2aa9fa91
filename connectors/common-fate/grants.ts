// Common Fate grants → ledger rows. A grant names a principal, a target and a role, a status
// (pending, active, closed), a provisioning status and when it expires. The API's JSON uses
// camelCase (protojson); snake_case exports are accepted too.
import { z } from 'zod';
import type { Grant, System } from '../../src/model/index.ts';
import { compactGrant, isoOf, isoTime, text } from '../files/fields.ts';
import { EMAIL } from '../files/rows.ts';

const aMap = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${what}`) });

const entity = z.looseObject({
  eid: z.looseObject({ type: text(), id: text() }, aMap('a map with type and id')),
  name: z.string().optional(),
  email: z.string().optional(),
}, aMap('a map with eid and name'));

const enumText = (prefix: string, values: readonly string[]) =>
  z
    .string({ error: `expected one of ${values.join(', ')}` })
    .transform((value) => value.toUpperCase().replace(new RegExp(`^${prefix}`), ''))
    .pipe(z.enum(values as [string, ...string[]], { error: `expected one of ${values.map((value) => prefix + value).join(', ')}` }));

export const commonFateGrantSchema = z.looseObject({
  id: text(),
  status: enumText('GRANT_STATUS_', ['UNSPECIFIED', 'PENDING', 'ACTIVE', 'CLOSED']),
  provisioningStatus: enumText('PROVISIONING_STATUS_', ['UNSPECIFIED', 'ATTEMPTING', 'SUCCESSFUL', 'FAILED']).optional(),
  deprovisioningStatus: enumText('PROVISIONING_STATUS_', ['UNSPECIFIED', 'ATTEMPTING', 'SUCCESSFUL', 'FAILED']).optional(),
  principal: entity,
  target: entity,
  role: entity,
  createdAt: isoTime().optional(),
  activatedAt: isoTime().optional(),
  expiresAt: isoTime(),
  closedAt: isoTime().optional(),
  approvedBy: z.union([z.string(), entity]).optional(),
  accessRequestId: z.string().optional(),
  justification: z.looseObject({ reason: z.string().optional() }).optional(),
});

export type CommonFateGrant = z.output<typeof commonFateGrantSchema>;

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** snake_case keys (an export written by hand or by another client) as the API's camelCase. */
export const camelKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [camel(key), camelKeys(item)]));
};

const emailOf = (principal: z.output<typeof entity>): string | undefined =>
  [principal.email, principal.name, principal.eid.id].find((candidate) => candidate !== undefined && EMAIL.test(candidate))?.toLowerCase();

export interface CommonFateRow {
  grant?: Grant;
  /** Why the grant gave no ledger row when it should have: an unmapped target type, a principal without an email. */
  skipped?: string;
}

/** The ledger row of one grant, or why there is none. */
export const commonFateRow = (grant: CommonFateGrant, targetTypes: Readonly<Record<string, System>>, source: string): CommonFateRow => {
  if (grant.status === 'PENDING' || grant.status === 'UNSPECIFIED') return {};
  const system = targetTypes[grant.target.eid.type];
  if (!system) return { skipped: `target type ${grant.target.eid.type}` };
  const subject = emailOf(grant.principal);
  if (!subject) return { skipped: `principal ${grant.principal.eid.id} has no email` };
  const end = isoOf(grant.expiresAt)!;
  const closedEarly = grant.status === 'CLOSED' && grant.closedAt !== undefined && Date.parse(grant.closedAt) < Date.parse(end);
  const approver = typeof grant.approvedBy === 'string' ? grant.approvedBy : grant.approvedBy && (emailOf(grant.approvedBy) ?? grant.approvedBy.eid.id);
  return {
    grant: compactGrant({
      id: `common-fate:${grant.id}`,
      subject,
      system,
      target: grant.target.eid.id,
      resource: '*',
      privilege: grant.role.name ?? grant.role.eid.id,
      start: isoOf(grant.activatedAt ?? grant.createdAt) ?? end,
      end,
      kind: 'temporary',
      approver,
      ticket: grant.accessRequestId,
      reason: grant.justification?.reason,
      revokedAt: closedEarly ? isoOf(grant.closedAt) : undefined,
      source,
      tool: 'Common Fate',
      toolNote: grant.deprovisioningStatus === 'FAILED' ? `Common Fate could not deprovision grant ${grant.id}: its revocation failed` : undefined,
    }),
  };
};
