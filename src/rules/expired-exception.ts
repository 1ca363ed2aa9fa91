import { aboutEntitlement, describeAccess, describeGrant, iso } from './format.ts';
import type { Rule } from './types.ts';

export const expiredException = {
  meta: {
    id: 'expired-exception',
    title: 'Standing exception past its review date',
    severity: 'medium',
    description: 'The entitlement is covered only by standing exceptions whose reviewBy date has passed.',
    remediation: 'Review the exception: renew it with a new reviewBy date and approval, or remove the privilege.',
  },
  scope: 'entitlement',
  exclusive: false,
  evaluate({ entitlement, covering }, { nowMs }) {
    if (!covering.length || covering.some((grant) => grant.grant.kind !== 'standing' || grant.reviewByMs >= nowMs)) return undefined;
    const latest = [...covering].sort((a, b) => b.reviewByMs - a.reviewByMs)[0]!;
    return {
      ...aboutEntitlement(entitlement),
      grant: latest.grant.id,
      since: iso(latest.reviewByMs),
      message: `${describeAccess(entitlement.privilege, entitlement.target, entitlement.resource)} rests on standing exception ${latest.grant.id}, due for review since ${iso(latest.reviewByMs)}.`,
      evidence: { grant: describeGrant(latest.grant), via: entitlement.via },
    };
  },
} satisfies Rule;
