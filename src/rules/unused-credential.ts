import { DAY_MS, formatDuration, iso } from './format.ts';
import type { FindingDraft, Rule } from './types.ts';

export const unusedCredential = {
  meta: {
    id: 'unused-credential',
    title: 'Credential not used',
    severity: 'medium',
    description:
      'An active credential whose last use is older than unusedDays, or that was never used and was created longer ago than that. Credentials of systems that record no use are not judged.',
    remediation: 'Deactivate the credential (keep it for a while in case something breaks), then delete it.',
  },
  scope: 'credential',
  evaluate(credential, { nowMs, thresholds }): FindingDraft | undefined {
    if (credential.status !== 'active' || credential.lastUsedAt === undefined) return undefined;
    const limitMs = thresholds.unusedDays * DAY_MS;
    const base = {
      system: credential.system,
      target: credential.target,
      principal: credential.principal ?? credential.id,
      credential: credential.id,
    };
    const label = `${credential.kind} ${credential.name ?? credential.id}`;
    if (credential.lastUsedAt === null) {
      const createdMs = Date.parse(credential.createdAt);
      if (!(nowMs - createdMs > limitMs)) return undefined;
      return {
        ...base,
        since: iso(createdMs + limitMs),
        message: `${label} has never been used since it was created ${formatDuration(nowMs - createdMs)} ago.`,
        evidence: { credential: `${credential.kind} ${credential.id}`, created: credential.createdAt, used: 'never' },
        fingerprint: ['never-used'],
      };
    }
    const usedMs = Date.parse(credential.lastUsedAt);
    if (!(nowMs - usedMs > limitMs)) return undefined;
    return {
      ...base,
      since: iso(usedMs + limitMs),
      message: `${label} was last used ${formatDuration(nowMs - usedMs)} ago (${credential.lastUsedAt}).`,
      evidence: { credential: `${credential.kind} ${credential.id}`, 'last used': credential.lastUsedAt },
    };
  },
} satisfies Rule;
