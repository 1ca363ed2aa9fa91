import { inWindow } from '../engine/match.ts';
import { aboutEntitlement, describeAccess, describeGrant, formatDuration, iso } from './format.ts';
import type { Rule } from './types.ts';

export const offCall = {
  meta: {
    id: 'off-call',
    title: 'Access held outside the duty window',
    severity: 'high',
    description:
      'Only on-call-bound grants match the entitlement and the subject has not been on call for that schedule for longer than the grace period (or never was).',
    remediation: 'Remove the entitlement until the next shift (enforce mode does this for this rule), or check the on-call schedule if the person is in fact on duty.',
  },
  scope: 'entitlement',
  exclusive: true,
  evaluate({ entitlement, matching }, { nowMs, graceMs, identities, shifts }) {
    const open = matching.filter((grant) => inWindow(grant, nowMs));
    if (!open.length || open.some((grant) => !grant.grant.onCall)) return undefined;
    let latest: { grant: (typeof open)[number]; lastEndMs?: number } | undefined;
    for (const grant of open) {
      const person = identities.personOfSubject(grant.grant.subject) ?? identities.personOf(entitlement.principal);
      const state = person ? shifts.state(grant.grant.onCall!, person, nowMs, grant.grant.onCallMaxLevel) : { onCall: false };
      // Missing duty data is never "nobody is on call"; still on call, or off duty within the grace: not a finding.
      if (state.unknown || state.onCall || (state.lastEndMs !== undefined && nowMs - state.lastEndMs <= graceMs)) return undefined;
      if (!latest || (state.lastEndMs ?? -Infinity) > (latest.lastEndMs ?? -Infinity)) latest = { grant, ...state };
    }
    const { grant, lastEndMs } = latest!;
    const schedule = grant.grant.onCall!;
    const sinceMs = Math.max(lastEndMs ?? grant.startMs, grant.startMs);
    const person = identities.personOfSubject(grant.grant.subject) ?? identities.personOf(entitlement.principal) ?? grant.grant.subject;
    const access = describeAccess(entitlement.privilege, entitlement.target, entitlement.resource);
    const maxLevel = grant.grant.onCallMaxLevel;
    const tier = maxLevel === undefined ? schedule : `${schedule} at level ${maxLevel} or lower`;
    const higher = maxLevel === undefined ? [] : shifts.levelsAt(schedule, person, nowMs).filter((level) => level > maxLevel);
    const duty =
      (lastEndMs === undefined
        ? `${person} has no shift in schedule ${tier} up to now`
        : `${person} went off call for ${tier} ${formatDuration(nowMs - lastEndMs)} ago (${iso(lastEndMs)})`) +
      (higher.length ? `; on call now at level ${higher.join(', ')}, above the grant's maxLevel ${maxLevel}` : '');
    return {
      ...aboutEntitlement(entitlement),
      grant: grant.grant.id,
      schedule,
      ...(Number.isFinite(sinceMs) ? { since: iso(sinceMs) } : {}),
      message: `${access} is held off call: ${duty}.`,
      evidence: { grant: describeGrant(grant.grant), shift: duty, via: entitlement.via },
    };
  },
} satisfies Rule;
