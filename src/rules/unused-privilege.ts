import { DAY_MS, formatDuration, iso } from './format.ts';
import type { Rule } from './types.ts';

export const unusedPrivilege = {
  meta: {
    id: 'unused-privilege',
    title: 'Privileged identity not used',
    severity: 'low',
    description:
      'A principal holding privileged entitlements whose known last use is older than unusedDays, or that was never used and was created longer ago than that.',
    remediation: 'Remove the privileges the identity does not use; delete the identity if nothing uses it.',
  },
  scope: 'principal',
  evaluate({ principal, privileged }, { nowMs, thresholds }) {
    if (!privileged.length || principal.lastUsedAt === undefined) return undefined;
    const limitMs = thresholds.unusedDays * DAY_MS;
    const fromIso = principal.lastUsedAt ?? principal.createdAt;
    if (fromIso === undefined) return undefined;
    const fromMs = Date.parse(fromIso);
    if (!(nowMs - fromMs > limitMs)) return undefined;
    const privileges = [...new Set(privileged.map((entitlement) => entitlement.privilege))].sort();
    return {
      system: principal.system,
      target: principal.target,
      principal: principal.id,
      since: iso(fromMs + limitMs),
      message:
        principal.lastUsedAt === null
          ? `${principal.name} holds ${privileges.join(', ')} and has never been used since it was created ${formatDuration(nowMs - fromMs)} ago.`
          : `${principal.name} holds ${privileges.join(', ')} and was last used ${formatDuration(nowMs - fromMs)} ago (${fromIso}).`,
      evidence: { 'last used': principal.lastUsedAt ?? 'never', privileges: privileges.join(', ') },
    };
  },
} satisfies Rule;
