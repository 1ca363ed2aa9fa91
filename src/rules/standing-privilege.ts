import { aboutEntitlement, describeAccess } from './format.ts';
import type { Rule } from './types.ts';

export const standingPrivilege = {
  meta: {
    id: 'standing-privilege',
    title: 'Standing privilege nobody approved',
    severity: 'high',
    description:
      'A privileged entitlement with no matching grant in the ledger that is in effect or ended within the grace period (a grant that starts later does not count, nor does an expiry the system itself states). Break-glass identities need a standing exception like any other.',
    remediation:
      'Remove the privilege, or make it temporary through the just-in-time process; if it must stay, record a standing exception with an approver, a ticket and a reviewBy date.',
  },
  scope: 'entitlement',
  exclusive: true,
  evaluate({ entitlement, matching }, { nowMs, graceMs }) {
    if (!entitlement.privileged) return undefined;
    // A grant in effect, or one that ended or was revoked within the grace, explains the access.
    const explained = matching.some((grant) => grant.startMs <= nowMs && nowMs <= Math.min(grant.endMs, grant.revokedMs) + graceMs);
    if (explained) return undefined;
    const statedMs = entitlement.expiresAt === undefined ? Number.NaN : Date.parse(entitlement.expiresAt);
    // Within the grace after a stated expiry, like after a grant's end: not yet a finding.
    if (statedMs <= nowMs && nowMs <= statedMs + graceMs) return undefined;
    const future = matching.filter((grant) => grant.startMs > nowMs).sort((a, b) => a.startMs - b.startMs)[0];
    const access = describeAccess(entitlement.privilege, entitlement.target, entitlement.resource);
    return {
      ...aboutEntitlement(entitlement),
      ...(entitlement.grantedAt ? { since: entitlement.grantedAt } : {}),
      message: future
        ? `${access} is held before its grant ${future.grant.id} starts (${future.grant.start}).`
        : Number.isFinite(statedMs)
          ? `${access} is held with no grant in the ledger (its binding states an expiry of ${entitlement.expiresAt}${entitlement.grantId ? ` for ${entitlement.grantId}` : ''}, which is not an approval).`
          : `${access} is held with no grant in the ledger.`,
      evidence: { via: entitlement.via, level: entitlement.level, ...(future ? { grant: `${future.grant.id} starts ${future.grant.start}` } : {}) },
    };
  },
} satisfies Rule;
