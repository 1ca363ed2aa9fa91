import { aboutEntitlement, describeAccess, describeGrant, formatDuration, iso, toolNote } from './format.ts';
import type { FindingDraft, Rule } from './types.ts';

export const expiredGrant = {
  meta: {
    id: 'expired-grant',
    title: 'Temporary access never revoked',
    severity: 'high',
    description:
      'A matching temporary grant ended more than the grace period ago and no grant covers the entitlement now; also fires when the system itself states an expiry (a JIT binding annotation) that has passed.',
    remediation: 'Remove the entitlement (enforce mode does this for this rule), or record a new approved grant if the access is still needed.',
  },
  scope: 'entitlement',
  exclusive: true,
  evaluate({ entitlement, matching }, { nowMs, graceMs }): FindingDraft | undefined {
    const ended = matching
      .filter((grant) => Number.isFinite(grant.endMs) && nowMs > grant.endMs + graceMs)
      .sort((a, b) => b.endMs - a.endMs)[0];
    const access = describeAccess(entitlement.privilege, entitlement.target, entitlement.resource);
    const base = aboutEntitlement(entitlement);
    if (ended) {
      return {
        ...base,
        grant: ended.grant.id,
        since: iso(ended.endMs),
        message: `${access} is still held ${formatDuration(nowMs - ended.endMs)} after grant ${ended.grant.id} ended.${toolNote(ended.grant)}`,
        evidence: { grant: describeGrant(ended.grant), via: entitlement.via },
      };
    }
    const statedMs = entitlement.expiresAt === undefined ? Number.NaN : Date.parse(entitlement.expiresAt);
    if (nowMs > statedMs + graceMs) {
      return {
        ...base,
        ...(entitlement.grantId ? { grant: entitlement.grantId } : {}),
        since: iso(statedMs),
        message: `${access} is still held ${formatDuration(nowMs - statedMs)} after the expiry its own system states (${iso(statedMs)}).`,
        evidence: { expiry: `stated by ${entitlement.system} on ${entitlement.via}${entitlement.grantId ? ` for grant ${entitlement.grantId}` : ''}`, via: entitlement.via },
      };
    }
    return undefined;
  },
} satisfies Rule;
