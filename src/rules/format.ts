// Small wording helpers shared by the rules' messages and evidence.
import type { Entitlement, Grant } from '../model/index.ts';

const MINUTE = 60_000;

/** `3d 4h`, `2h 5m`, `45m` — a duration for messages. */
export const formatDuration = (milliseconds: number): string => {
  const minutes = Math.max(0, Math.round(milliseconds / MINUTE));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours) return rest ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
};

export const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export const DAY_MS = 86_400_000;

const described = new WeakMap<Grant, string>();

/** One line of evidence about a grant: where it is, who approved it, its window (one string per grant, shared). */
export const describeGrant = (grant: Grant): string => {
  let text = described.get(grant);
  if (text === undefined) {
    text = describeGrantOnce(grant);
    described.set(grant, text);
  }
  return text;
};

const describeGrantOnce = (grant: Grant): string => {
  const window = `${grant.start ?? '…'} → ${grant.end ?? (grant.kind === 'standing' ? 'standing' : '…')}`;
  const parts = [
    `${grant.id}${grant.source ? ` (${grant.source})` : ''}`,
    `${grant.kind}`,
    window,
    grant.onCall ? `on call for ${grant.onCall}${grant.onCallMaxLevel === undefined ? '' : ` at level ≤ ${grant.onCallMaxLevel}`}` : undefined,
    grant.approver ? `approved by ${grant.approver}` : 'no approver',
    grant.ticket ? `ticket ${grant.ticket}` : 'no ticket',
    grant.revokedAt ? `revoked ${grant.revokedAt}` : undefined,
    grant.tool ? `from ${grant.tool}` : undefined,
    grant.toolNote,
  ];
  return parts.filter(Boolean).join(', ');
};

/** `AdministratorAccess on 123456789012` or `repo-admin on acme/api`. */
export const describeAccess = (privilege: string, target: string, resource: string): string =>
  `${privilege} on ${resource === '*' ? target : `${target}/${resource}`}`;

/** The fields every finding about one entitlement carries, its path in the fingerprint. */
export const aboutEntitlement = (entitlement: Entitlement) => ({
  system: entitlement.system,
  target: entitlement.target,
  principal: entitlement.principal,
  privilege: entitlement.privilege,
  resource: entitlement.resource,
  fingerprint: [entitlement.via],
});

/** What the grant's JIT tool says that the finding should repeat (` AWS TEAM shows … in error: its revocation failed.`), or ''. */
export const toolNote = (grant: Grant): string => (grant.toolNote ? ` ${grant.toolNote}.` : '');
