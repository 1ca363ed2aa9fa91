// The rule registry, in catalogue order. The exclusive entitlement rules come first, in
// precedence order: at most one of them fires per entitlement.
import type { RuleId } from '../model/index.ts';
import { breakGlassUsed } from './break-glass-used.ts';
import { expiredException } from './expired-exception.ts';
import { expiredGrant } from './expired-grant.ts';
import { grantHygiene } from './grant-hygiene.ts';
import { offCall } from './off-call.ts';
import { revokedGrant } from './revoked-grant.ts';
import { staleCredential } from './stale-credential.ts';
import { standingPrivilege } from './standing-privilege.ts';
import { unownedIdentity } from './unowned-identity.ts';
import { unusedCredential } from './unused-credential.ts';
import { unusedPrivilege } from './unused-privilege.ts';
import type { Rule, RuleMeta } from './types.ts';

export const rules: readonly Rule[] = [
  revokedGrant,
  expiredGrant,
  offCall,
  standingPrivilege,
  expiredException,
  grantHygiene,
  staleCredential,
  unusedCredential,
  unusedPrivilege,
  unownedIdentity,
  breakGlassUsed,
];

export const ruleCatalogue: readonly RuleMeta[] = rules.map((rule) => rule.meta);

export const ruleById: ReadonlyMap<RuleId, Rule> = new Map(rules.map((rule) => [rule.meta.id, rule]));

/** The catalogue as configured: each rule at the severity `rules.severity` gives it (every format reports that one). */
export const effectiveCatalogue = (overrides: Readonly<Partial<Record<string, RuleMeta['severity']>>>): RuleMeta[] =>
  ruleCatalogue.map((meta) => (overrides[meta.id] && overrides[meta.id] !== meta.severity ? { ...meta, severity: overrides[meta.id]! } : meta));

/** docs/rules.md: one section per rule, the page each rule's SARIF helpUri points at. */
export const rulesMarkdown = (catalogue: readonly RuleMeta[] = ruleCatalogue): string =>
  [
    '# Rules',
    '',
    'Written by `npm run docs` from each rule\'s metadata (`src/rules/*.ts`); `dutybound rules` prints the same.',
    'At most one of the first four fires per entitlement, in this order of precedence.',
    ...catalogue.flatMap((meta) => ['', `## ${meta.id}`, '', `**${meta.title}** — default severity **${meta.severity}**.`, '', `Fires on: ${meta.description}`, '', `Remediation: ${meta.remediation}`]),
    '',
  ].join('\n');
