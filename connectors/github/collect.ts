// Collects one GitHub organization: every privileged path into it (owners, organization roles,
// repository collaborators, team-inherited access, pending owner invitations, base permission,
// app installations) and every credential that can act on it (deploy keys, Actions and
// Dependabot secrets, fine-grained tokens, SAML credential authorizations). A section that
// cannot be read (permission denied, rate limit spent) makes the org `partial`, with the reason.
import pLimit from 'p-limit';
import { InputError, describeError } from '../../src/errors.ts';
import type { Coverage, Credential, Entitlement, Level, Principal } from '../../src/model/index.ts';
import type { CollectContext, CollectResult } from '../types.ts';
import { appLevel, appPrivileged, globMatch, orgRoleLevel, repoLevel, repoPrivilege, repoPrivileged, roleFromGraphql, tokenPrivileged, type RepoPermissions } from './classify.ts';
import { EtagCache, RateLimitExhausted, createGithubClient, type ClientStats, type ClientTuning, type GithubClient } from './client.ts';
import { abortMessage, DeadlineExceeded, networkCause, RetryBudgetSpent } from '../network.ts';
import { resolvePath, type GithubConfig } from './schema.ts';
import { appendAll } from '../../src/model/collections.ts';

const iso = (value: string) => new Date(value).toISOString();

/** Why a request failed, in one line: `403 Resource not accessible by integration`. */
const reasonOf = (error: unknown): string => {
  if (error instanceof RateLimitExhausted) return error.message;
  const own = networkCause(error);
  if (own) return own.message;
  const response = (error as { response?: { data?: { message?: string }; headers?: Record<string, string | undefined> } }).response;
  // Octokit gives a request that got no answer (reset, refused) status 500: only an answer has a status.
  const status = response ? (error as { status?: number }).status : undefined;
  const message = response?.data?.message;
  // GitHub names the App permission an endpoint needs when it refuses one.
  const needs = response?.headers?.['x-accepted-github-permissions'];
  if (status !== undefined) return `${status} ${message ?? (error as Error).message.replace(/ - https?:\/\/\S+$/, '')}${needs ? ` (needs ${needs})` : ''}`;
  return describeError(error);
};

interface Problem {
  reason: string;
  subjects: string[];
}

export interface TeamData {
  slug: string;
  parent?: string;
  /** Members including those of child teams (as GitHub lists them), with their role. */
  members: Map<string, 'member' | 'maintainer'>;
  /** Repository name → role name. */
  repos: Map<string, { role: string; permissions?: RepoPermissions }>;
}

interface RepoData {
  name: string;
  collaborators?: { login: string; role: string; permissions?: RepoPermissions }[];
  deployKeyCount?: number;
  environments?: string[];
}

const REPOS_QUERY = /* GraphQL */ `
  query DutyboundRepositories($org: String!, $after: String, $archived: Boolean, $first: Int!) {
    organization(login: $org) {
      repositories(first: $first, after: $after, isArchived: $archived, orderBy: { field: NAME, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          name
          isArchived
          collaborators(affiliation: DIRECT, first: $first) {
            totalCount
            edges { permission permissionSources { roleName source { __typename } } node { login } }
          }
          deployKeys(first: 1) { totalCount }
          environments(first: $first) { totalCount nodes { name } }
        }
      }
    }
  }
`;

const TEAMS_QUERY = /* GraphQL */ `
  query DutyboundTeams($org: String!, $after: String, $first: Int!) {
    organization(login: $org) {
      teams(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          slug
          parentTeam { slug }
          members(first: $first, membership: ALL) { totalCount edges { role node { login } } }
          repositories(first: $first) { totalCount edges { permission node { name } } }
        }
      }
    }
  }
`;

const SAML_QUERY = /* GraphQL */ `
  query DutyboundSamlIdentities($org: String!, $after: String, $first: Int!) {
    organization(login: $org) {
      samlIdentityProvider {
        externalIdentities(first: $first, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { samlIdentity { nameId emails { value } } user { login } }
        }
      }
    }
  }
`;

export const GRAPHQL_QUERIES = { repositories: REPOS_QUERY, teams: TEAMS_QUERY, samlIdentities: SAML_QUERY };

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface ReposPage {
  organization: {
    repositories: {
      pageInfo: PageInfo;
      nodes: {
        name: string;
        isArchived: boolean;
        collaborators: {
          totalCount: number;
          edges: { permission: string; permissionSources: { roleName: string | null; source: { __typename: string } }[] | null; node: { login: string } }[];
        } | null;
        deployKeys: { totalCount: number } | null;
        environments: { totalCount: number; nodes: { name: string }[] } | null;
      }[];
    };
  } | null;
}

interface TeamsPage {
  organization: {
    teams: {
      pageInfo: PageInfo;
      nodes: {
        slug: string;
        parentTeam: { slug: string } | null;
        members: { totalCount: number; edges: { role: string; node: { login: string } }[] };
        repositories: { totalCount: number; edges: { permission: string; node: { name: string } }[] };
      }[];
    };
  } | null;
}

interface SamlPage {
  organization: {
    samlIdentityProvider: {
      externalIdentities: {
        pageInfo: PageInfo;
        nodes: { samlIdentity: { nameId: string | null; emails: { value: string }[] | null } | null; user: { login: string } | null }[];
      };
    } | null;
  } | null;
}

/** GET /orgs/{org}/organization-roles/{role_id}/users items (fields dutybound reads). */
interface RoleUser {
  login: string;
  assignment?: 'direct' | 'indirect' | 'mixed';
  inherited_from?: { slug: string }[];
}

/** GET /orgs/{org}/credential-authorizations items (Enterprise Cloud; not in the github.com types). */
interface CredentialAuthorization {
  login: string;
  credential_id: number;
  credential_type: string;
  credential_authorized_at: string;
  credential_accessed_at: string | null;
  authorized_credential_title?: string | null;
  authorized_credential_expires_at?: string | null;
}

export interface OrgResult extends CollectResult {
  stats: ClientStats;
}

/** Everything about one org; the scan records problems instead of stopping. */
class OrgScan {
  readonly principals = new Map<string, Principal>();
  readonly entitlements: Entitlement[] = [];
  readonly credentials: Credential[] = [];
  readonly problems = new Map<string, Problem>();
  readonly notes: string[] = [];
  readonly org: string;
  /** The org stopped short: its retry budget was spent or the scan's deadline passed. */
  gaveUp = false;
  constructor(org: string) {
    this.org = org;
  }

  principalId(login: string): string {
    return `github:${this.org}/${login}`;
  }

  user(login: string, extra: Partial<Principal> = {}): Principal {
    const id = this.principalId(login);
    let principal = this.principals.get(id);
    if (!principal) {
      principal = { id, system: 'github', target: this.org, kind: login.endsWith('[bot]') ? 'bot' : 'user', human: !login.endsWith('[bot]'), name: login };
      this.principals.set(id, principal);
    }
    Object.assign(principal, extra);
    return principal;
  }

  grant(login: string, entitlement: Omit<Entitlement, 'principal' | 'system' | 'target'>): void {
    this.user(login);
    this.entitlements.push({ principal: this.principalId(login), system: 'github', target: this.org, ...entitlement, ref: { org: this.org, ...entitlement.ref } });
  }

  problem(section: string, error: unknown, subject?: string): void {
    if (error instanceof RetryBudgetSpent || error instanceof DeadlineExceeded) this.gaveUp = true;
    const found = this.problems.get(section) ?? { reason: reasonOf(error), subjects: [] };
    if (subject) found.subjects.push(subject);
    this.problems.set(section, found);
  }

  /** Runs one section; a failure becomes a problem (or, for `absent`, a note when the endpoint does not exist here). */
  async attempt<T>(section: string, run: () => Promise<T>, options: { subject?: string; absent?: string } = {}): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof InputError) throw error;
      if (options.absent && (error as { status?: number }).status === 404) {
        if (!this.notes.includes(options.absent)) this.notes.push(options.absent);
        return undefined;
      }
      this.problem(section, error, options.subject);
      return undefined;
    }
  }

  /** A GraphQL batch that fails is read over REST instead: a note, not a gap (REST records its own failures). */
  async batched<T>(section: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof InputError) throw error;
      this.notes.push(`${section}: GraphQL batching failed (${reasonOf(error)}); read over REST instead`);
      return undefined;
    }
  }

  coverage(): Coverage {
    const errors = [...this.problems.entries()].map(([section, { reason, subjects }]) => {
      const where = subjects.length === 0 ? '' : subjects.length === 1 ? ` (${subjects[0]})` : ` (${subjects.length}, e.g. ${subjects.slice(0, 3).sort().join(', ')})`;
      return `${section}: ${reason}${where}`;
    });
    return {
      system: 'github',
      target: this.org,
      status: this.gaveUp ? 'failed' : errors.length ? 'partial' : 'ok',
      ...(errors.length ? { error: errors.sort().join('; ') } : {}),
      ...(this.notes.length ? { notes: [...this.notes].sort() } : {}),
    };
  }
}

/** A direct collaborator's role: the role the repository itself grants (custom roles by name), else GraphQL's permission level. */
const directRole = (edge: { permission: string; permissionSources: { roleName: string | null; source: { __typename: string } }[] | null }): string => {
  const named = edge.permissionSources?.find((source) => source.source.__typename === 'Repository')?.roleName;
  if (!named) return roleFromGraphql(edge.permission);
  return ({ push: 'write', pull: 'read' } as Record<string, string>)[named] ?? named;
};

/** The team whose membership gives `login` its place in `slug` (a child team when the member came from one). */
const immediateTeam = (teams: Map<string, TeamData>, slug: string, login: string, depth = 0): string => {
  if (depth > 20) return slug;
  for (const child of teams.values()) {
    if (child.parent === slug && child.members.has(login)) return immediateTeam(teams, child.slug, login, depth + 1);
  }
  return slug;
};

export const collectGithubOrg = async (
  config: GithubConfig,
  org: string,
  ctx: CollectContext,
  tuning: ClientTuning & { etags?: EtagCache } = {},
): Promise<OrgResult> => {
  const scan = new OrgScan(org);
  const client: GithubClient = createGithubClient(config, org, ctx, tuning);
  const { octokit, pageSize } = client;
  client.net.started();
  const limit = pLimit(config.concurrency);
  const finish = (coverage: Coverage): OrgResult => {
    client.net.done(coverage.status === 'ok' ? 'done' : coverage.status);
    return { coverage: [coverage], principals: [...scan.principals.values()], entitlements: scan.entitlements, credentials: scan.credentials, stats: client.stats };
  };

  let orgInfo: { default_repository_permission?: string | null };
  try {
    orgInfo = (await octokit.request('GET /orgs/{org}', { org })).data;
  } catch (error) {
    if (error instanceof InputError) throw error;
    return finish({ system: 'github', target: org, status: 'failed', error: `read organization ${org}: ${reasonOf(error)}` });
  }

  // ---- people: members, owners, outside collaborators, 2FA ----------------------------------
  const members = await scan.attempt('members', async () => (await octokit.paginate('GET /orgs/{org}/members', { org, role: 'all', per_page: pageSize })).map((m) => m.login));
  for (const login of members ?? []) scan.user(login);
  const owners = await scan.attempt('owners', async () => (await octokit.paginate('GET /orgs/{org}/members', { org, role: 'admin', per_page: pageSize })).map((m) => m.login));
  for (const login of owners ?? []) {
    scan.grant(login, { resource: '*', privilege: 'org-owner', level: 'admin', privileged: true, via: 'direct', ref: { kind: 'org-owner', login } });
  }
  const outside = await scan.attempt('outside collaborators', async () => (await octokit.paginate('GET /orgs/{org}/outside_collaborators', { org, per_page: pageSize })).map((u) => u.login));
  for (const login of outside ?? []) scan.user(login, { external: true });
  const outsideSet = new Set(outside ?? []);
  const memberSet = members ? new Set(members) : undefined;
  /** Outside the org: listed as an outside collaborator, or (when that list was not readable) not a member. */
  const isExternal = (login: string) => outsideSet.has(login) || (outside === undefined && memberSet !== undefined && !memberSet.has(login));

  const twoFactorNote = '2FA status not visible to this identity (needs organization owner access); mfa left unknown';
  const without2fa = await (async () => {
    try {
      const members = await octokit.paginate('GET /orgs/{org}/members', { org, filter: '2fa_disabled', per_page: pageSize });
      const outsiders = outside ? await octokit.paginate('GET /orgs/{org}/outside_collaborators', { org, filter: '2fa_disabled', per_page: pageSize }) : [];
      return new Set([...members, ...outsiders].map((u) => u.login));
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 403 || status === 422 || status === 404) scan.notes.push(twoFactorNote);
      else scan.problem('2FA status', error);
      return undefined;
    }
  })();
  if (without2fa) {
    for (const principal of scan.principals.values()) principal.mfa = !without2fa.has(principal.name);
  }

  // ---- pending invitations with the owner role -----------------------------------------------
  await scan.attempt('invitations', async () => {
    for (const invitation of await octokit.paginate('GET /orgs/{org}/invitations', { org, per_page: pageSize })) {
      if (invitation.role !== 'admin') continue;
      const who = invitation.login ?? `invitation/${invitation.email ?? invitation.id}`;
      scan.user(who, invitation.email ? { email: invitation.email } : {});
      scan.grant(who, {
        resource: '*',
        privilege: 'org-owner',
        level: 'admin',
        privileged: true,
        via: 'invitation',
        grantedAt: iso(invitation.created_at),
        ref: { kind: 'org-invitation', invitationId: invitation.id },
      });
    }
  });

  // ---- base permission: every member holds it on every repository --------------------------
  const base = orgInfo.default_repository_permission;
  if (base === 'admin' || base === 'write') {
    for (const login of members ?? []) {
      scan.grant(login, { resource: '*', privilege: repoPrivilege(base), level: repoLevel(base), privileged: repoPrivileged(base), via: 'org-base-permission', ref: { kind: 'org-base-permission' } });
    }
  }

  // ---- repositories (and, with GraphQL, their collaborators, key counts, environments) ------
  const excluded = (name: string) => config.excludeRepos.some((pattern) => globMatch(pattern, name) || globMatch(pattern, `${org}/${name}`));
  let repos: RepoData[] | undefined;
  if (config.graphql) {
    repos = await scan.batched('repositories', async () => {
      const found: RepoData[] = [];
      let after: string | null = null;
      do {
        const page: ReposPage = await octokit.graphql<ReposPage>(REPOS_QUERY, { org, after, first: pageSize, archived: config.includeArchived ? null : false });
        if (!page.organization) throw new Error(`organization ${org} not visible to GraphQL`);
        for (const node of page.organization.repositories.nodes) {
          if (node.isArchived && !config.includeArchived) continue;
          const complete = node.collaborators && node.collaborators.totalCount <= node.collaborators.edges.length;
          found.push({
            name: node.name,
            ...(complete ? { collaborators: node.collaborators!.edges.map((e) => ({ login: e.node.login, role: directRole(e) })) } : {}),
            ...(node.deployKeys ? { deployKeyCount: node.deployKeys.totalCount } : {}),
            ...(node.environments && node.environments.totalCount <= node.environments.nodes.length ? { environments: node.environments.nodes.map((e) => e.name) } : {}),
          });
        }
        after = page.organization.repositories.pageInfo.hasNextPage ? page.organization.repositories.pageInfo.endCursor : null;
      } while (after);
      return found;
    });
  }
  repos ??= await scan.attempt('repositories', async () =>
    (await octokit.paginate('GET /orgs/{org}/repos', { org, type: 'all', per_page: pageSize })).filter((r) => config.includeArchived || !r.archived).map((r): RepoData => ({ name: r.name })),
  );
  const scanned = (repos ?? []).filter((repo) => !excluded(repo.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const repoNames = new Set(scanned.map((repo) => repo.name));

  // ---- teams: members (with child teams') and repositories ----------------------------------
  const teams = new Map<string, TeamData>();
  const restTeamDetails = async (team: TeamData, needMembers: boolean, needRepos: boolean) => {
    if (needMembers) {
      const maintainers = new Set((await octokit.paginate('GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: team.slug, role: 'maintainer', per_page: pageSize })).map((u) => u.login));
      for (const member of await octokit.paginate('GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: team.slug, role: 'all', per_page: pageSize })) {
        team.members.set(member.login, maintainers.has(member.login) ? 'maintainer' : 'member');
      }
    }
    if (needRepos) {
      for (const repo of await octokit.paginate('GET /orgs/{org}/teams/{team_slug}/repos', { org, team_slug: team.slug, per_page: pageSize })) {
        team.repos.set(repo.name, { role: repo.role_name ?? 'read', ...(repo.permissions ? { permissions: repo.permissions } : {}) });
      }
    }
  };
  const graphqlTeams = async () => {
    const found = new Map<string, TeamData>();
    const incomplete: [TeamData, boolean, boolean][] = [];
    let after: string | null = null;
    do {
      const page: TeamsPage = await octokit.graphql<TeamsPage>(TEAMS_QUERY, { org, after, first: pageSize });
      if (!page.organization) throw new Error(`organization ${org} not visible to GraphQL`);
      for (const node of page.organization.teams.nodes) {
        const team: TeamData = { slug: node.slug, ...(node.parentTeam ? { parent: node.parentTeam.slug } : {}), members: new Map(), repos: new Map() };
        for (const edge of node.members.edges) team.members.set(edge.node.login, edge.role === 'MAINTAINER' ? 'maintainer' : 'member');
        for (const edge of node.repositories.edges) team.repos.set(edge.node.name, { role: roleFromGraphql(edge.permission) });
        found.set(team.slug, team);
        const moreMembers = node.members.totalCount > node.members.edges.length;
        const moreRepos = node.repositories.totalCount > node.repositories.edges.length;
        if (moreMembers || moreRepos) incomplete.push([team, moreMembers, moreRepos]);
      }
      after = page.organization.teams.pageInfo.hasNextPage ? page.organization.teams.pageInfo.endCursor : null;
    } while (after);
    return { found, incomplete };
  };
  await scan.attempt('teams', async () => {
    const batch = config.graphql ? await scan.batched('teams', graphqlTeams) : undefined;
    if (batch) {
      for (const [slug, team] of batch.found) teams.set(slug, team);
      // Teams with more than 100 members or repositories: the rest over REST.
      await Promise.all(batch.incomplete.map(([team, m, r]) => limit(() => scan.attempt('team members and repositories', () => restTeamDetails(team, m, r), { subject: team.slug }))));
      return;
    }
    for (const team of await octokit.paginate('GET /orgs/{org}/teams', { org, per_page: pageSize })) {
      teams.set(team.slug, { slug: team.slug, ...(team.parent ? { parent: team.parent.slug } : {}), members: new Map(), repos: new Map() });
    }
    await Promise.all([...teams.values()].map((team) => limit(() => scan.attempt('team members and repositories', () => restTeamDetails(team, true, true), { subject: team.slug }))));
  });
  /** How each member of a team is in it: the team they are directly in, and their role there. */
  const membershipRefs = new Map<string, Map<string, Record<string, unknown>>>();
  const membershipRef = (slug: string, login: string): Record<string, unknown> => {
    let perTeam = membershipRefs.get(slug);
    if (!perTeam) membershipRefs.set(slug, (perTeam = new Map()));
    let ref = perTeam.get(login);
    if (!ref) {
      const immediate = teams.size ? immediateTeam(teams, slug, login) : slug;
      const role = teams.get(immediate)?.members.get(login) ?? 'member';
      ref = { kind: 'team-membership', team: immediate, login, role, ...(immediate === slug ? {} : { viaTeam: slug }) };
      perTeam.set(login, ref);
    }
    return ref;
  };
  for (const team of teams.values()) {
    for (const [repo, { role, permissions }] of team.repos) {
      if (!repoNames.has(repo)) continue;
      const grant = { resource: repo, privilege: repoPrivilege(role), level: repoLevel(role, permissions), privileged: repoPrivileged(role, permissions), via: `team/${team.slug}` };
      for (const [login] of team.members) scan.grant(login, { ...grant, ref: membershipRef(team.slug, login) });
    }
  }

  // ---- organization roles ---------------------------------------------------------------------
  await scan.attempt(
    'organization roles',
    async () => {
      const { data } = await octokit.request('GET /orgs/{org}/organization-roles', { org });
      for (const role of data.roles ?? []) {
        const users = await octokit.paginate<RoleUser, string>('GET /orgs/{org}/organization-roles/{role_id}/users', { org, role_id: role.id, per_page: pageSize });
        // Servers that do not say how a user holds the role: infer it from the teams it is assigned to.
        if (users.some((user) => user.assignment === undefined)) {
          const roleTeams = (await octokit.paginate<{ slug: string }, string>('GET /orgs/{org}/organization-roles/{role_id}/teams', { org, role_id: role.id, per_page: pageSize })).map((t) => t.slug);
          for (const user of users) {
            if (user.assignment !== undefined) continue;
            const through = roleTeams.filter((slug) => teams.get(slug)?.members.has(user.login));
            user.assignment = through.length ? 'indirect' : 'direct';
            user.inherited_from = through.map((slug) => ({ slug }));
          }
        }
        const level: Level = orgRoleLevel(role.base_role, role.permissions);
        const privilege = `org-role/${role.name}`;
        for (const user of users) {
          if (user.assignment !== 'indirect') {
            scan.grant(user.login, { resource: '*', privilege, level, privileged: true, via: 'direct', ref: { kind: 'org-role-user', login: user.login, roleId: role.id, roleName: role.name } });
          }
          for (const team of user.inherited_from ?? []) {
            scan.grant(user.login, { resource: '*', privilege, level, privileged: true, via: `team/${team.slug}`, ref: membershipRef(team.slug, user.login) });
          }
        }
      }
    },
    { absent: 'organization roles: not available on this server' },
  );

  // ---- organization-level secrets -----------------------------------------------------------
  const secret = (id: string, kind: string, s: { name: string; created_at: string; updated_at: string }, ref: Record<string, unknown>): Credential => ({
    id,
    system: 'github',
    target: org,
    kind,
    name: s.name,
    createdAt: iso(s.created_at),
    rotatedAt: iso(s.updated_at),
    status: 'active',
    ref: { org, ...ref },
  });
  await scan.attempt('organization Actions secrets', async () => {
    for (const s of await octokit.paginate('GET /orgs/{org}/actions/secrets', { org, per_page: pageSize })) {
      scan.credentials.push(secret(`github:${org}/actions-secret/${s.name}`, 'actions-secret', s, { kind: 'actions-secret', scope: 'org', name: s.name, visibility: s.visibility }));
    }
  });
  await scan.attempt('organization Dependabot secrets', async () => {
    for (const s of await octokit.paginate('GET /orgs/{org}/dependabot/secrets', { org, per_page: pageSize })) {
      scan.credentials.push(secret(`github:${org}/dependabot-secret/${s.name}`, 'dependabot-secret', s, { kind: 'dependabot-secret', scope: 'org', name: s.name, visibility: s.visibility }));
    }
  });

  // ---- per repository: collaborators, deploy keys, secrets, environments ---------------------
  // Say early when the REST quota left cannot cover the repositories (the org will end partial
  // unless the limit resets within maxRateLimitWaitSeconds).
  const needed = scanned.reduce((sum, repo) => sum + 2 + (repo.collaborators ? 0 : 1) + (repo.deployKeyCount === 0 ? 0 : 1) + (repo.environments ? repo.environments.length : 2), 0);
  const remaining = client.stats.remaining.core;
  if (remaining !== undefined && remaining < needed) {
    ctx.log.warn(`github ${org}: about ${needed} requests needed for ${scanned.length} repositories, ${remaining} left in this rate-limit window; the scan waits for the reset up to ${config.maxRateLimitWaitSeconds} s`);
  }

  await Promise.all(
    scanned.map((repo) =>
      limit(async () => {
        const subject = `${org}/${repo.name}`;
        const collaborators =
          repo.collaborators ??
          (await scan.attempt(
            'repository collaborators',
            async () =>
              (await octokit.paginate('GET /repos/{owner}/{repo}/collaborators', { owner: org, repo: repo.name, affiliation: 'direct', per_page: pageSize })).map((c) => ({
                login: c.login,
                role: c.role_name,
                ...(c.permissions ? { permissions: c.permissions } : {}),
              })),
            { subject },
          ));
        for (const c of collaborators ?? []) {
          const level = repoLevel(c.role, c.permissions);
          if (isExternal(c.login)) scan.user(c.login, { external: true });
          scan.grant(c.login, {
            resource: repo.name,
            privilege: repoPrivilege(c.role),
            level,
            // An outside collaborator who can push is privileged (as OpenSSF Allstar holds): code from outside the org.
            privileged: repoPrivileged(c.role, c.permissions) || (isExternal(c.login) && level !== 'read'),
            via: 'direct',
            ref: { kind: 'repo-collaborator', repo: repo.name, login: c.login, role: c.role },
          });
        }
        if (repo.deployKeyCount !== 0) {
          await scan.attempt(
            'deploy keys',
            async () => {
              for (const key of await octokit.paginate('GET /repos/{owner}/{repo}/keys', { owner: org, repo: repo.name, per_page: pageSize })) {
                scan.credentials.push({
                  id: `github:${org}/${repo.name}/deploy-key/${key.id}`,
                  system: 'github',
                  target: org,
                  kind: 'deploy-key',
                  name: key.title,
                  createdAt: iso(key.created_at),
                  // GitHub tracks deploy-key use: null means never used.
                  lastUsedAt: key.last_used ? iso(key.last_used) : null,
                  status: key.enabled === false ? 'inactive' : 'active',
                  privileged: !key.read_only,
                  ref: { kind: 'deploy-key', org, repo: repo.name, keyId: key.id, title: key.title, readOnly: key.read_only, publicKey: key.key },
                });
              }
            },
            { subject },
          );
        }
        await scan.attempt(
          'repository Actions secrets',
          async () => {
            for (const s of await octokit.paginate('GET /repos/{owner}/{repo}/actions/secrets', { owner: org, repo: repo.name, per_page: pageSize })) {
              scan.credentials.push(secret(`github:${org}/${repo.name}/actions-secret/${s.name}`, 'actions-secret', s, { kind: 'actions-secret', scope: 'repo', repo: repo.name, name: s.name }));
            }
          },
          { subject },
        );
        await scan.attempt(
          'repository Dependabot secrets',
          async () => {
            for (const s of await octokit.paginate('GET /repos/{owner}/{repo}/dependabot/secrets', { owner: org, repo: repo.name, per_page: pageSize })) {
              scan.credentials.push(secret(`github:${org}/${repo.name}/dependabot-secret/${s.name}`, 'dependabot-secret', s, { kind: 'dependabot-secret', scope: 'repo', repo: repo.name, name: s.name }));
            }
          },
          { subject },
        );
        const environments =
          repo.environments ??
          (await scan.attempt('environments', async () => (await octokit.paginate('GET /repos/{owner}/{repo}/environments', { owner: org, repo: repo.name, per_page: pageSize })).map((e) => e.name), { subject }));
        for (const environment of environments ?? []) {
          await scan.attempt(
            'environment secrets',
            async () => {
              for (const s of await octokit.paginate('GET /repos/{owner}/{repo}/environments/{environment_name}/secrets', { owner: org, repo: repo.name, environment_name: environment, per_page: pageSize })) {
                scan.credentials.push(
                  secret(`github:${org}/${repo.name}/environment/${environment}/actions-secret/${s.name}`, 'actions-secret', s, { kind: 'actions-secret', scope: 'environment', repo: repo.name, environment, name: s.name }),
                );
              }
            },
            { subject: `${subject}:${environment}` },
          );
        }
      }),
    ),
  );

  // ---- GitHub App installations (report-only) -----------------------------------------------
  await scan.attempt('app installations', async () => {
    for (const installation of await octokit.paginate('GET /orgs/{org}/installations', { org, per_page: pageSize })) {
      const id = `github:${org}/app/${installation.app_slug}`;
      scan.principals.set(id, { id, system: 'github', target: org, kind: 'app', human: false, name: installation.app_slug, createdAt: iso(installation.created_at) });
      const permissions = installation.permissions as Record<string, string | undefined>;
      scan.entitlements.push({
        principal: id,
        system: 'github',
        target: org,
        resource: '*',
        privilege: 'app-installation',
        level: appLevel(permissions),
        privileged: appPrivileged(permissions),
        via: `installation/${installation.id}`,
        grantedAt: iso(installation.created_at),
        ref: { org, kind: 'app-installation', installationId: installation.id, repositorySelection: installation.repository_selection },
      });
    }
  });

  // ---- fine-grained personal access tokens approved for the org ------------------------------
  await scan.attempt('fine-grained personal access tokens', async () => {
    for (const grant of await octokit.paginate('GET /orgs/{org}/personal-access-tokens', { org, per_page: pageSize })) {
      scan.user(grant.owner.login);
      scan.credentials.push({
        id: `github:${org}/fine-grained-pat/${grant.id}`,
        system: 'github',
        target: org,
        kind: 'fine-grained-pat',
        principal: scan.principalId(grant.owner.login),
        name: grant.token_name,
        createdAt: iso(grant.access_granted_at),
        lastUsedAt: grant.token_last_used_at ? iso(grant.token_last_used_at) : null,
        ...(grant.token_expires_at ? { expiresAt: iso(grant.token_expires_at) } : {}),
        status: grant.token_expired ? 'inactive' : 'active',
        privileged: tokenPrivileged(grant.permissions),
        ref: { kind: 'fine-grained-pat', org, patId: grant.id, tokenId: grant.token_id, login: grant.owner.login },
      });
    }
  });

  // ---- SAML credential authorizations (Enterprise Cloud with SAML SSO only) -----------------
  await scan.attempt(
    'credential authorizations',
    async () => {
      for (const auth of await octokit.paginate<CredentialAuthorization, string>('GET /orgs/{org}/credential-authorizations', { org, per_page: pageSize })) {
        scan.user(auth.login);
        scan.credentials.push({
          id: `github:${org}/credential-authorization/${auth.credential_id}`,
          system: 'github',
          target: org,
          kind: 'saml-authorization',
          principal: scan.principalId(auth.login),
          name: auth.authorized_credential_title ? `${auth.credential_type}: ${auth.authorized_credential_title}` : auth.credential_type,
          createdAt: iso(auth.credential_authorized_at),
          lastUsedAt: auth.credential_accessed_at ? iso(auth.credential_accessed_at) : null,
          ...(auth.authorized_credential_expires_at ? { expiresAt: iso(auth.authorized_credential_expires_at) } : {}),
          status: 'active',
          ref: { kind: 'credential-authorization', org, credentialId: auth.credential_id, login: auth.login, credentialType: auth.credential_type },
        });
      }
    },
    { absent: 'credential authorizations: not available (SAML single sign-on on GitHub Enterprise Cloud only)' },
  );

  // ---- last activity of owners (or privileged humans) from the audit log (Enterprise Cloud) ---
  if (config.lastActivity !== 'off') {
    const privileged = new Set(scan.entitlements.filter((e) => e.privileged).map((e) => e.principal));
    const logins =
      config.lastActivity === 'owners'
        ? (owners ?? [])
        : [...new Set([...(members ?? []), ...(outside ?? [])])].filter((login) => privileged.has(scan.principalId(login)) && scan.user(login).human === true).sort();
    const since = new Date(ctx.now.getTime() - config.lastActivityDays * 86_400_000).toISOString().slice(0, 10);
    let unreadable: string | undefined;
    await Promise.all(
      logins.map((login) =>
        limit(async () => {
          if (unreadable) return;
          try {
            const { data } = await octokit.request('GET /orgs/{org}/audit-log', { org, phrase: `actor:${login} created:>=${since}`, per_page: 1, order: 'desc' });
            const event = (data as { '@timestamp'?: number; created_at?: number }[])[0];
            const at = event?.['@timestamp'] ?? event?.created_at;
            // No event in the window: tracked, and not used within it.
            scan.user(login).lastUsedAt = at === undefined ? null : new Date(at).toISOString();
          } catch (error) {
            if (error instanceof InputError) throw error;
            unreadable ??= reasonOf(error);
          }
        }),
      ),
    );
    if (unreadable) scan.notes.push(`last activity: audit log not readable (${unreadable}; it exists on GitHub Enterprise Cloud only): last use of people unknown`);
  }

  // ---- people: SAML external identities give logins their emails -----------------------------
  if (config.graphql) {
    try {
      let after: string | null = null;
      let linked = 0;
      do {
        const page: SamlPage = await octokit.graphql<SamlPage>(SAML_QUERY, { org, after, first: pageSize });
        const provider = page.organization?.samlIdentityProvider;
        if (!provider) {
          scan.notes.push('no SAML identity provider: logins are linked to people by the people file');
          break;
        }
        for (const node of provider.externalIdentities.nodes) {
          const nameId = node.samlIdentity?.nameId;
          const email = nameId && nameId.includes('@') ? nameId : node.samlIdentity?.emails?.[0]?.value;
          if (!node.user || !email) continue;
          const principal = scan.principals.get(scan.principalId(node.user.login));
          if (principal) {
            principal.email = email.toLowerCase();
            linked += 1;
          }
        }
        after = provider.externalIdentities.pageInfo.hasNextPage ? provider.externalIdentities.pageInfo.endCursor : null;
      } while (after);
      if (linked) scan.notes.push(`emails of ${linked} logins from SAML identities`);
    } catch (error) {
      scan.notes.push(`SAML identities not readable (${reasonOf(error)}): logins are linked to people by the people file`);
    }
  } else {
    scan.notes.push('SAML identities are read with GraphQL (github.graphql: false): logins are linked to people by the people file');
  }

  return finish(scan.coverage());
};

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const entitlementKey = (e: Entitlement) => `${e.principal}\u0000${e.target}\u0000${e.resource}\u0000${e.privilege}\u0000${e.via}`;

export interface GithubCollectResult extends CollectResult {
  /** Per org: requests sent, quota spent, limits met. */
  stats: Record<string, ClientStats>;
}

/** Collects every configured org (or `ctx.onlyTarget`); one coverage row per org, sorted output. */
export const collectGithub = async (config: GithubConfig, ctx: CollectContext, tuning: ClientTuning = {}): Promise<GithubCollectResult> => {
  const orgs = ctx.onlyTarget ? config.orgs.filter((org) => org.toLowerCase() === ctx.onlyTarget!.toLowerCase()) : config.orgs;
  // ETags pay off across scans only: without a file to keep them, nothing is cached.
  const etags = config.etagCacheFile ? new EtagCache(resolvePath(ctx.baseDir, config.etagCacheFile)) : undefined;
  const result: GithubCollectResult = { coverage: [], principals: [], entitlements: [], credentials: [], stats: {} };
  for (const org of orgs) {
    if (ctx.signal?.aborted) {
      result.coverage.push({ system: 'github', target: org, status: 'failed', error: abortMessage(ctx.signal) });
      continue;
    }
    let part: OrgResult;
    try {
      part = await collectGithubOrg(config, org, ctx, { ...tuning, ...(etags ? { etags } : {}) });
    } catch (error) {
      if (error instanceof InputError) throw error;
      result.coverage.push({ system: 'github', target: org, status: 'failed', error: describeError(error) });
      continue;
    }
    appendAll(result.coverage, part.coverage);
    appendAll(result.principals, part.principals);
    appendAll(result.entitlements, part.entitlements);
    appendAll(result.credentials, part.credentials);
    result.stats[org] = part.stats;
    ctx.log.info(
      `github ${org}: ${part.stats.requests} requests (quota: ${part.stats.quota.core} REST, ${part.stats.quota.graphql} GraphQL; ${part.stats.notModified} answered 304), ${part.stats.secondaryLimits} secondary and ${part.stats.primaryLimits} primary rate limits`,
    );
  }
  await etags?.save().catch((error: unknown) => ctx.log.warn(`github: could not save the ETag cache: ${describeError(error)}`));
  result.principals.sort(byId);
  result.credentials.sort(byId);
  result.entitlements.sort((a, b) => (entitlementKey(a) < entitlementKey(b) ? -1 : entitlementKey(a) > entitlementKey(b) ? 1 : 0));
  return result;
};
