import type { FindingDraft, Rule } from './types.ts';

export const breakGlassUsed = {
  meta: {
    id: 'break-glass-used',
    title: 'Break-glass credential used and not rotated since',
    severity: 'high',
    description:
      "A break-glass identity's credential was used after its last rotation: the secret of a break-glass account must be rotated after every use.",
    remediation: 'Confirm the use was an approved emergency (incident ticket), then rotate the credential and record the rotation.',
  },
  scope: 'principal',
  evaluate({ principal, credentials, breakGlass }) {
    if (!breakGlass) return undefined;
    const findings: FindingDraft[] = [];
    for (const credential of credentials) {
      if (!credential.lastUsedAt) continue;
      const rotated = credential.rotatedAt ?? credential.createdAt;
      if (!(Date.parse(credential.lastUsedAt) > Date.parse(rotated))) continue;
      findings.push({
        system: principal.system,
        target: principal.target,
        principal: principal.id,
        credential: credential.id,
        since: credential.lastUsedAt,
        message: `Break-glass ${principal.kind} ${principal.name} used ${credential.kind} ${credential.name ?? credential.id} at ${credential.lastUsedAt}, after its last rotation (${rotated}).`,
        evidence: { credential: `${credential.kind} ${credential.id}`, 'last used': credential.lastUsedAt, rotated },
      });
    }
    return findings;
  },
} satisfies Rule;
