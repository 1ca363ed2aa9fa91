import { aboutEntitlement, describeAccess, describeGrant, formatDuration, iso, toolNote } from './format.ts';
import type { Rule } from './types.ts';

export const revokedGrant = {
  meta: {
    id: 'revoked-grant',
    title: 'Access still held after its grant was revoked',
    severity: 'critical',
    description:
      'The entitlement is still present more than the grace period after the ledger grant that allowed it was revoked (revokedAt), and no other grant covers it now.',
    remediation: 'Remove the entitlement now (enforce mode does this for this rule), then find out why the revocation did not reach the system.',
  },
  scope: 'entitlement',
  exclusive: true,
  evaluate({ entitlement, matching }, { nowMs, graceMs }) {
    const revoked = matching
      .filter((grant) => Number.isFinite(grant.revokedMs) && nowMs > grant.revokedMs + graceMs)
      .sort((a, b) => b.revokedMs - a.revokedMs)[0];
    if (!revoked) return undefined;
    return {
      ...aboutEntitlement(entitlement),
      grant: revoked.grant.id,
      since: iso(revoked.revokedMs),
      message: `${describeAccess(entitlement.privilege, entitlement.target, entitlement.resource)} is still held ${formatDuration(nowMs - revoked.revokedMs)} after grant ${revoked.grant.id} was revoked.${toolNote(revoked.grant)}`,
      evidence: { grant: describeGrant(revoked.grant), via: entitlement.via },
    };
  },
} satisfies Rule;
