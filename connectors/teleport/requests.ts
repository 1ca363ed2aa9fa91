// Teleport access requests (`tctl requests ls --format=json`) → ledger rows. An approved request
// gives its roles until its access expiry; each role gives what the config's role table says.
import { z } from 'zod';
import type { Grant } from '../../src/model/index.ts';
import { EMAIL } from '../files/rows.ts';
import { compactGrant, isoOf, isoTime, text } from '../files/fields.ts';
import type { TeleportConfig } from './schema.ts';

/** types.RequestState: tctl prints the number; the names are accepted too. */
const STATES = ['NONE', 'PENDING', 'APPROVED', 'DENIED', 'PROMOTED'] as const;
const state = z
  .union([z.string(), z.number()], { error: `expected a request state (${STATES.join(', ')} or 0–4)` })
  .transform((value) => (/^\d+$/.test(String(value)) ? STATES[Number(value)] : String(value).toUpperCase()))
  .pipe(z.enum(STATES, { error: `expected a request state (${STATES.join(', ')} or 0–4)` }));

const review = z.looseObject({
  author: text(),
  proposed_state: state.optional(),
  state: state.optional(),
  reason: z.string().optional(),
  created: isoTime().optional(),
});

export const teleportRequestSchema = z.looseObject({
  kind: z.literal('access_request', { error: 'expected kind "access_request"' }).optional(),
  metadata: z.looseObject({ name: text() }),
  spec: z.looseObject({
    user: text(),
    roles: z.array(text()).min(1, { error: 'expected at least one role' }),
    state,
    created: isoTime(),
    expires: isoTime(),
    access_expiry: isoTime().optional(),
    assume_start_time: isoTime().optional(),
    request_reason: z.string().optional(),
    resolve_reason: z.string().optional(),
    resolve_annotations: z.record(z.string(), z.array(z.string())).optional(),
    reviews: z.array(review).optional(),
  }),
});

export type TeleportRequest = z.output<typeof teleportRequestSchema>;

export interface TeleportRows {
  grants: Grant[];
  /** Roles no entry of the config's role table names (their access is not in the ledger). */
  unmappedRoles: string[];
  /** The user name is not an email and no emailDomain is configured. */
  unknownUser?: string;
}

const approvers = (request: TeleportRequest): string[] =>
  (request.spec.reviews ?? []).filter((item) => (item.proposed_state ?? item.state) === 'APPROVED').map((item) => item.author);

/** When the access began: the latest approving review, else the requested start, else the request's creation. */
const startOf = (request: TeleportRequest): string => {
  const approvals = (request.spec.reviews ?? []).filter((item) => (item.proposed_state ?? item.state) === 'APPROVED' && item.created).map((item) => isoOf(item.created)!);
  return approvals.sort().at(-1) ?? isoOf(request.spec.assume_start_time) ?? isoOf(request.spec.created)!;
};

/** The ledger rows of one request: one per (role, access) for an approved request, none otherwise. */
export const teleportRows = (request: TeleportRequest, config: Pick<TeleportConfig, 'roles' | 'emailDomain'>, source: string): TeleportRows => {
  if (request.spec.state !== 'APPROVED') return { grants: [], unmappedRoles: [] };
  const asEmail = (name: string): string | undefined => (EMAIL.test(name) ? name.toLowerCase() : config.emailDomain ? `${name}@${config.emailDomain}`.toLowerCase() : undefined);
  const subject = asEmail(request.spec.user);
  if (!subject) return { grants: [], unmappedRoles: [], unknownUser: request.spec.user };
  const approver = approvers(request)[0];
  const start = startOf(request);
  const end = isoOf(request.spec.access_expiry ?? request.spec.expires)!;
  const grants: Grant[] = [];
  const unmappedRoles: string[] = [];
  for (const role of request.spec.roles) {
    const accesses = config.roles[role];
    if (!accesses) {
      unmappedRoles.push(role);
      continue;
    }
    accesses.forEach((access, index) =>
      grants.push(
        compactGrant({
          id: `teleport:${request.metadata.name}:${role}${accesses.length > 1 ? `#${index + 1}` : ''}`,
          subject,
          system: access.system,
          target: access.target,
          resource: access.resource,
          privilege: access.privilege,
          start,
          end,
          kind: 'temporary',
          approver: approver === undefined ? undefined : (asEmail(approver) ?? approver),
          ticket: request.spec.resolve_annotations?.ticket?.[0],
          reason: request.spec.request_reason,
          source,
          tool: 'Teleport',
        }),
      ),
    );
  }
  return { grants, unmappedRoles };
};
