import type { Rule } from './types.ts';

export const unownedIdentity = {
  meta: {
    id: 'unowned-identity',
    title: 'Privileged identity with no owner',
    severity: 'medium',
    description:
      'A principal holding privileged entitlements that is linked to no person (people file, or an email the system records) and, for machine identities, has no owner.',
    remediation: 'Add the principal to its person in the people file, or name an owner for the machine identity under owners:; delete it if nobody claims it.',
  },
  scope: 'principal',
  evaluate({ principal, privileged }, { identities }) {
    // A person needs no owner; a human account needs its person (an owner does not stand in for one).
    if (!privileged.length || identities.personOf(principal.id) || (principal.human !== true && identities.ownerOf(principal.id))) return undefined;
    const privileges = [...new Set(privileged.map((entitlement) => entitlement.privilege))].sort();
    const what = principal.human === true ? 'a person' : 'a person or an owner';
    return {
      system: principal.system,
      target: principal.target,
      principal: principal.id,
      message: `${principal.kind} ${principal.name} holds ${privileges.join(', ')} and is linked to no ${principal.human === true ? 'person' : 'person or owner'}.`,
      evidence: { kind: principal.kind, privileges: privileges.join(', '), missing: what },
    };
  },
} satisfies Rule;
