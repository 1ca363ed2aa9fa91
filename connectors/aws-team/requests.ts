// AWS TEAM requests → ledger rows. A request names an Identity Center user (email), an account
// and a permission set, a start and a duration in hours; its status says whether it was ever
// approved and how it ended.
import { z } from 'zod';
import type { Grant } from '../../src/model/index.ts';
import { compactGrant, email, isoOf, isoTime, oneOf, text } from '../files/fields.ts';

export const TEAM_STATUSES = ['pending', 'approved', 'rejected', 'cancelled', 'expired', 'scheduled', 'in progress', 'ended', 'revoked', 'error'] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

/** Never approved, or approved too late: these gave no access. (`expired` is a request nobody approved in time.) */
const NEVER_ACTIVE = new Set<TeamStatus>(['pending', 'rejected', 'cancelled', 'expired']);

const optionalText = () => z.string().optional();

export const teamRequestSchema = z.looseObject({
  id: text(),
  email: email(),
  accountId: text(),
  accountName: optionalText(),
  role: text(),
  roleId: optionalText(),
  startTime: isoTime(),
  duration: z
    .union([z.string(), z.number()], { error: 'expected a number of hours' })
    .transform(Number)
    .pipe(z.number({ error: 'expected a positive number of hours' }).positive({ error: 'expected a positive number of hours' })),
  endTime: isoTime().optional(),
  status: z.string().transform((status) => status.toLowerCase()).pipe(oneOf(TEAM_STATUSES)),
  justification: optionalText(),
  ticketNo: optionalText(),
  approver: optionalText(),
  approvers: z.array(z.string()).optional(),
  revoker: optionalText(),
  revokeComment: optionalText(),
  updatedAt: isoTime().optional(),
});

export type TeamRequest = z.output<typeof teamRequestSchema>;

const HOUR_MS = 3_600_000;

/** What TEAM says that a finding about the access should repeat. */
const statusNote = (request: TeamRequest): string | undefined => {
  if (request.status === 'error') return `AWS TEAM shows request ${request.id} in "error": its revocation failed`;
  if (request.status === 'in progress') return `AWS TEAM still shows request ${request.id} "in progress": its revocation is stuck`;
  return undefined;
};

/** The ledger row of one request, or undefined for a request that never gave access. */
export const teamGrant = (request: TeamRequest, source: string): Grant | undefined => {
  if (NEVER_ACTIVE.has(request.status)) return undefined;
  const start = isoOf(request.startTime)!;
  const end = isoOf(request.endTime) ?? new Date(Date.parse(start) + request.duration * HOUR_MS).toISOString();
  return compactGrant({
    id: `aws-team:${request.id}`,
    subject: request.email,
    system: 'aws',
    target: request.accountId,
    resource: '*',
    privilege: request.role,
    start,
    end,
    kind: 'temporary',
    // `approvers` lists who could approve; `approver` is who did.
    approver: request.approver,
    ticket: request.ticketNo,
    reason: request.justification,
    // A revoked request ended when TEAM last wrote it.
    revokedAt: request.status === 'revoked' ? (isoOf(request.updatedAt) ?? end) : undefined,
    source,
    tool: 'AWS TEAM',
    toolNote: statusNote(request),
  });
};
