import { inWindow } from '../engine/match.ts';
import { normalizeEmail } from '../engine/identities.ts';
import { describeGrant, formatDuration } from './format.ts';
import type { Rule } from './types.ts';

const HOUR_MS = 3_600_000;

export const grantHygiene = {
  meta: {
    id: 'grant-hygiene',
    title: 'Grant without proper approval or too long',
    severity: 'medium',
    description:
      'A grant in effect now is self-approved (the approver is the subject or the same person), lacks an approver or a ticket, or is a temporary grant lasting longer than maxGrantHours (a long-lived on-call policy is a standing grant with onCall and reviewBy).',
    remediation: 'Have the grant approved by someone else with a ticket, or shorten it; fix the approval workflow that let it through.',
  },
  scope: 'grant',
  evaluate(indexed, { nowMs, thresholds, identities }) {
    if (!inWindow(indexed, nowMs)) return undefined;
    const { grant } = indexed;
    const problems: string[] = [];
    if (!grant.approver) problems.push('no approver');
    else {
      const approver = grant.approver.includes('@') ? normalizeEmail(grant.approver) : grant.approver;
      const subjectPerson = identities.personOfSubject(grant.subject);
      const approverPerson = identities.personOfSubject(approver);
      if (approver === grant.subject || (subjectPerson !== null && approverPerson === subjectPerson)) problems.push(`self-approved by ${grant.approver}`);
    }
    if (!grant.ticket) problems.push('no ticket');
    const lengthMs = indexed.endMs - indexed.startMs;
    if (grant.kind === 'temporary' && lengthMs > thresholds.maxGrantHours * HOUR_MS)
      problems.push(`lasts ${formatDuration(lengthMs)}, longer than ${thresholds.maxGrantHours}h`);
    if (!problems.length) return undefined;
    return {
      system: grant.system,
      target: grant.target,
      principal: grant.subject,
      privilege: grant.privilege,
      resource: grant.resource,
      grant: grant.id,
      ...(grant.start ? { since: grant.start } : {}),
      message: `Grant ${grant.id} for ${grant.subject}: ${problems.join('; ')}.`,
      evidence: { grant: describeGrant(grant) },
    };
  },
} satisfies Rule;
