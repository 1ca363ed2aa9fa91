import { PASSWORD_KINDS } from '../model/index.ts';
import { DAY_MS, formatDuration, iso } from './format.ts';
import type { Rule } from './types.ts';

export const staleCredential = {
  meta: {
    id: 'stale-credential',
    title: 'Credential not rotated',
    severity: 'medium',
    description:
      'An active key, token or secret not rotated for more than maxCredentialAgeDays (age from its last rotation, else its creation). Console passwords are exempt (NIST SP 800-63B).',
    remediation: 'Rotate the credential (create a new one, move its users, then deactivate the old one), or delete it if nothing needs it.',
  },
  scope: 'credential',
  evaluate(credential, { nowMs, thresholds }) {
    if (credential.status !== 'active' || PASSWORD_KINDS.has(credential.kind)) return undefined;
    const fromIso = credential.rotatedAt ?? credential.createdAt;
    const fromMs = Date.parse(fromIso);
    const limitMs = thresholds.maxCredentialAgeDays * DAY_MS;
    if (!(nowMs - fromMs > limitMs)) return undefined;
    return {
      system: credential.system,
      target: credential.target,
      principal: credential.principal ?? credential.id,
      credential: credential.id,
      since: iso(fromMs + limitMs),
      message: `${credential.kind} ${credential.name ?? credential.id} ${credential.rotatedAt ? 'was last rotated' : 'was created, and never rotated,'} ${formatDuration(nowMs - fromMs)} ago (${fromIso}); the limit is ${thresholds.maxCredentialAgeDays} days.`,
      evidence: { credential: `${credential.kind} ${credential.id}`, [credential.rotatedAt ? 'rotated' : 'created']: fromIso },
    };
  },
} satisfies Rule;
