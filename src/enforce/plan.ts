// The enforcement plan (pure): one action per object to remove, from the findings of the rules
// named in enforce.rules, aimed at the exact object that gives the access. No I/O, no clock.
import type { Revoker } from '../../connectors/types.ts';
import type { Config } from '../config/schema.ts';
import { fingerprint, grantCoverage } from '../engine/evaluate.ts';
import { globMatcher } from '../engine/glob.ts';
import { linkIdentities, type Identities } from '../engine/identities.ts';
import type { Credential, Entitlement, Finding, Grant, Inventory, People, RuleId, Shift, System } from '../model/index.ts';
import { ruleById } from '../rules/index.ts';
import type { ActionStatus, EnforceAction, Plan } from './types.ts';
import { canonicalJson } from '../engine/evidence.ts';

export interface PlanInput {
  findings: readonly Finding[];
  inventory: Pick<Inventory, 'principals' | 'entitlements' | 'credentials'>;
  grants: readonly Grant[];
  shifts: readonly Shift[];
  people: People;
  config: Pick<Config, 'enforce' | 'rules' | 'privileged' | 'breakGlass' | 'scanner'> & { aws?: { roleName?: string } };
  now: Date;
  /** Makes action ids unique per run (ids are hashes of the finding and this). */
  runId: string;
  /** The revokers of each system (only their pure `handles` is called). */
  revokers: ReadonlyMap<System, readonly Revoker<never>[]>;
}

type Item = { entitlement?: Entitlement; credential?: Credential };

/** AWS roles never revoked: service-linked, Identity Center's reserved roles, the Organization's access role. */
export const PROTECTED_AWS_ROLE = /^(AWSServiceRoleFor|AWSReservedSSO_|OrganizationAccountAccessRole$)/;
/** GitHub owners that must remain in an org. */
const MIN_GITHUB_OWNERS = 2;

/** JSON with sorted keys: two refs naming the same object give the same text (refs are often shared objects: cached). */
const stableCache = new WeakMap<object, string>();
const stableRef = (ref: Record<string, unknown> | undefined): string => {
  if (!ref) return 'null';
  let text = stableCache.get(ref);
  if (text === undefined) stableCache.set(ref, (text = canonicalJson(ref)));
  return text;
};
/** What one finding is about: the entitlement (found by its fingerprint) or the credential. Indexes only the principals asked for. */
const itemIndex = (inventory: PlanInput['inventory'], principals: ReadonlySet<string>) => {
  const byPrincipal = new Map<string, Entitlement[]>();
  for (const entitlement of inventory.entitlements) {
    if (!principals.has(entitlement.principal)) continue;
    const list = byPrincipal.get(entitlement.principal);
    if (list) list.push(entitlement);
    else byPrincipal.set(entitlement.principal, [entitlement]);
  }
  const credentials = new Map(inventory.credentials.map((credential) => [credential.id, credential]));
  const itemOf = (finding: Finding): Item | undefined => {
    if (finding.credential !== undefined) {
      const credential = credentials.get(finding.credential);
      return credential ? { credential } : undefined;
    }
    if (finding.privilege === undefined) return undefined;
    // The rules state the path in the evidence; the fingerprint check below stays the proof when it does not.
    const via = finding.evidence?.via;
    const candidates = (byPrincipal.get(finding.principal) ?? []).filter(
      (e) => e.privilege === finding.privilege && e.resource === finding.resource && e.target === finding.target && e.system === finding.system && (via === undefined || e.via === via),
    );
    // The engine's fingerprint names the path (via): the one entitlement whose fingerprint is the finding's id.
    if (candidates.length === 1 && via !== undefined) return { entitlement: candidates[0]! };
    const entitlement = candidates.find(
      (e) => fingerprint([finding.rule, e.system, e.target, e.principal, e.privilege, e.resource, finding.grant, finding.credential, e.via]) === finding.id,
    );
    return entitlement ? { entitlement } : undefined;
  };
  /** Entitlements removed together with this one: same principal, same object (equal refs). */
  const sameObject = (entitlement: Entitlement): Entitlement[] => {
    const key = stableRef(entitlement.ref);
    return (byPrincipal.get(entitlement.principal) ?? []).filter((other) => other === entitlement || (other.system === entitlement.system && other.target === entitlement.target && stableRef(other.ref) === key));
  };
  return { itemOf, sameObject };
};

/** Why a principal or object must never be touched, or undefined. */
const protection = (input: PlanInput, identities: Identities) => {
  const scanner = input.config.scanner.principals.map((glob) => ({ glob, match: globMatcher(glob) }));
  const protect = input.config.enforce.protect.map((glob) => ({ glob, match: globMatcher(glob) }));
  const principals = new Map(input.inventory.principals.map((principal) => [principal.id, principal]));
  const awsScannerRole = input.config.aws?.roleName ?? 'DutyboundReadOnly';
  return (principal: string, item: Item): string | undefined => {
    if (identities.isBreakGlass(principal)) return `${principal} is a break-glass principal`;
    const own = scanner.find((rule) => rule.match(principal));
    if (own) return `${principal} is dutybound's own identity (scanner.principals: ${own.glob})`;
    const listed = protect.find((rule) => rule.match(principal));
    if (listed) return `${principal} is protected by enforce.protect (${listed.glob})`;
    const ref = (item.entitlement?.ref ?? item.credential?.ref ?? {}) as Record<string, unknown>;
    const system = item.entitlement?.system ?? item.credential?.system;
    if (system === 'aws') {
      if (/:root$/.test(principal) || principals.get(principal)?.kind === 'root' || item.credential?.kind.startsWith('root')) return 'the AWS root user is never touched';
      const role = /:role\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1];
      if (role && (PROTECTED_AWS_ROLE.test(role) || principal.includes(':role/aws-service-role/'))) return `role ${role} is service-linked or AWS-reserved`;
      if (role === awsScannerRole) return `role ${role} is dutybound's own role (aws.roleName)`;
    }
    if (system === 'kubernetes') {
      if (typeof ref.protected === 'string') return ref.protected;
      const subject = /^kubernetes:[^/]+\/(?:User|Group):(.*)$/.exec(principal)?.[1];
      if (subject?.startsWith('system:')) return `${subject} is a Kubernetes system: subject`;
      if (/^kubernetes:[^/]+\/ServiceAccount:kube-system\//.test(principal)) return `${principal} is a kube-system service account`;
      const binding = (ref.binding as { name?: string } | undefined)?.name;
      if (binding?.startsWith('system:')) return `binding ${binding} is a Kubernetes system: binding`;
    }
    return undefined;
  };
};

const describeObject = (item: Item, revoker: Revoker<never>): string => {
  if (item.credential) return `${revoker.id}: ${item.credential.kind} ${item.credential.id}`;
  const e = item.entitlement!;
  return `${revoker.id}: ${e.principal} via ${e.via}${e.via === 'direct' ? ` (${e.privilege})` : ''}`;
};

const accessOf = (e: Entitlement): string => `${e.privilege}${e.resource === '*' ? '' : ` on ${e.resource}`}`;

/** The plan: actions (planned or refused) sorted by id; covered entitlements get none. */
export const planEnforcement = (input: PlanInput): Plan => {
  const rules = new Set<string>(input.config.enforce.rules);
  const findings = input.findings.filter((finding) => rules.has(finding.rule));
  const { itemOf, sameObject } = itemIndex(input.inventory, new Set(findings.map((finding) => finding.principal)));
  // Who is whose person, once for both questions: is it covered, is it protected.
  const identities = linkIdentities(input.inventory.principals, input.people, input.config.breakGlass);
  const covering = grantCoverage(input, identities);
  const protectedReason = protection(input, identities);
  const exclusiveRule = (rule: string) => {
    const found = ruleById.get(rule as RuleId);
    return found?.scope === 'entitlement' && found.exclusive;
  };
  const tools: PlanTools = { runTag: fingerprint([input.runId]).slice(0, 8), exclusiveRule, itemOf, sameObject, covering, protectedReason };
  const byObject = new Map<string, EnforceAction>();
  const actions: EnforceAction[] = [];

  for (const finding of findings) {
    const action = actionFor(finding, input, tools);
    if (!action) continue;
    // Several findings through one object (a group giving three policies) are one write.
    const key = action.objectKey;
    const existing = key === undefined ? undefined : byObject.get(key);
    if (existing) {
      existing.findings.push(finding.id);
      continue;
    }
    if (key !== undefined) byObject.set(key, action);
    actions.push(action);
  }
  keepGithubOwners(actions, input.inventory.entitlements);
  actions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rules: [...rules], actions };
};

interface PlanTools {
  runTag: string;
  exclusiveRule(rule: string): boolean;
  itemOf(finding: Finding): Item | undefined;
  sameObject(entitlement: Entitlement): Entitlement[];
  covering(entitlement: Entitlement): { grant: Grant }[];
  protectedReason(principal: string, item: Item): string | undefined;
}

const actionFor = (finding: Finding, input: PlanInput, tools: PlanTools): EnforceAction | undefined => {
  // Unique: finding ids are unique, and the run's tag tells runs apart. Absent fields stay undefined (reports leave them out).
  const base = {
    id: `${finding.id}-${tools.runTag}`,
    rule: finding.rule,
    finding: finding.id,
    findings: [finding.id],
    grant: finding.grant,
    system: finding.system,
    target: finding.target,
    principal: finding.principal,
    privilege: finding.privilege,
    resource: finding.resource,
    credential: finding.credential,
    schedule: finding.schedule,
  };
  const refused = (object: string, reason: string, status: ActionStatus = 'refused'): EnforceAction => ({ ...base, object, removes: [], status, reason });
  const item = tools.itemOf(finding);
  if (!item) return refused('(none)', `finding ${finding.id} (${finding.rule}) names no single entitlement or credential in the inventory: nothing to remove exactly`);
  // Overlapping grants: an entitlement any grant still covers is never revoked. The engine fires an
  // exclusive rule only on uncovered access; any other rule's entitlement is asked again.
  if (item.entitlement && !tools.exclusiveRule(finding.rule) && tools.covering(item.entitlement).length) return undefined;
  const handlers = (input.revokers.get(finding.system) ?? []).filter((revoker) => revoker.handles(item));
  const via = item.entitlement ? `via ${item.entitlement.via}` : `${item.credential!.kind}`;
  if (handlers.length !== 1)
    return refused(via, `no revoker removes exactly this (${via}) without touching others: refused, never widened`);
  const revoker = handlers[0]!;
  const object = describeObject(item, revoker);
  const reason = tools.protectedReason(finding.principal, item);
  if (reason) return refused(object, `protected: ${reason}`);
  const carried = item.entitlement ? tools.sameObject(item.entitlement) : [];
  const stillCovered = carried
    .filter((other) => other !== item.entitlement)
    .map((other) => ({ other, grants: tools.covering(other) }))
    .find(({ grants }) => grants.length);
  if (stillCovered)
    return refused(
      object,
      `the same object also gives ${accessOf(stillCovered.other)}, which grant ${stillCovered.grants[0]!.grant.id} still covers: refused (narrow it by hand)`,
    );
  return {
    ...base,
    revoker: revoker.id,
    object,
    removes: carried.length ? carried.map(accessOf) : [item.credential ? `credential ${item.credential.id}` : accessOf(item.entitlement!)],
    status: 'planned',
    item,
    objectKey: `${finding.principal}\u0000${revoker.id}\u0000${stableRef(item.entitlement?.ref ?? item.credential?.ref)}`,
  };
};

/** The last two owners of a GitHub org are never demoted: refuse the demotions that would go below. */
const keepGithubOwners = (actions: EnforceAction[], entitlements: readonly Entitlement[]): void => {
  const owners = new Map<string, Set<string>>();
  // Owners now: members with the owner role (a pending owner invitation is not one yet).
  for (const e of entitlements)
    if (e.system === 'github' && e.privilege === 'org-owner' && e.ref?.kind === 'org-owner') (owners.get(e.target) ?? owners.set(e.target, new Set()).get(e.target)!).add(e.principal);
  const demotions = actions.filter((a) => a.status === 'planned' && a.system === 'github' && a.privilege === 'org-owner').sort((a, b) => (a.principal < b.principal ? -1 : 1));
  const left = new Map([...owners].map(([org, set]) => [org, set.size]));
  for (const action of demotions) {
    const remaining = left.get(action.target) ?? 0;
    if (remaining - 1 < MIN_GITHUB_OWNERS) {
      action.status = 'refused';
      action.reason = `protected: ${action.principal} is one of the last ${MIN_GITHUB_OWNERS} owners of ${action.target}`;
      delete action.item;
      continue;
    }
    left.set(action.target, remaining - 1);
  }
};
