// Fake GitHub (REST v3 and the few GraphQL queries dutybound sends) on 127.0.0.1: `Link`
// paging, `x-ratelimit-*` headers, primary (403/429) and secondary rate limits with
// `retry-after`, ETag / 304, permission faults, call counting. Answers have the shapes of
// GitHub's OpenAPI description (checked against src/sim/github/openapi-schemas.json in tests).
import { createHash } from 'node:crypto';
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../server.ts';
import type { GithubEstate, GithubOrgSeed, GithubRepoSeed, GithubSecretSeed, GithubTeamSeed, RepoRole } from './estate.ts';
import { maxOf } from '../../model/collections.ts';

export interface GithubFakeFaults {
  /** 1-based call numbers answered with a secondary rate limit (403 + `retry-after`). */
  secondaryAt?: number[];
  /** `retry-after` seconds sent with a secondary limit (default 1). */
  retryAfterSeconds?: number;
  /** Paths (regular expressions on `METHOD /path`) answered 403 "Resource not accessible by integration". */
  deny?: RegExp[];
  /** Paths answered 404 (an endpoint absent on this plan or server). */
  missing?: RegExp[];
  /** 1-based call numbers answered 502. */
  serverErrorAt?: number[];
}

export interface GithubFakeOptions {
  latencyMs?: number;
  faults?: GithubFakeFaults;
  /** Primary limit per hour of the core (REST) resource; default 5000. */
  coreLimit?: number;
  /** Points per hour of the GraphQL resource (each query costs one here); default 5000. */
  graphqlLimit?: number;
  /** Seconds until the primary window resets (default 3600). */
  resetSeconds?: number;
  /** Answer primary-limit exhaustion with 429 instead of 403 (GitHub sends either). */
  primaryStatus?: 403 | 429;
  /** Answer organization-role users without `assignment` / `inherited_from`, as older servers do. */
  orgRoleUsersWithoutAssignment?: boolean;
  /** Token the fake accepts (`Authorization: token X` / `Bearer X`); default: any. */
  token?: string;
}

export interface RateBucket {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export interface GithubFake extends FakeServer {
  /** The live estate (revocations change it). */
  estate: GithubEstate;
  quota: { core: RateBucket; graphql: RateBucket };
  stats: {
    /** Answered 304 (not counted against the primary limit). */
    notModified: number;
    /** Installation tokens issued (GitHub App auth). */
    tokensIssued: number;
    /** When each request reached the handler (ms since the epoch), for pacing checks. */
    arrivals: number[];
  };
}

const API_VERSION = '2022-11-28';
const iso = (value: string) => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Stable numeric ids for logins, so the same estate gives the same answers. */
const idOf = (text: string) => parseInt(createHash('sha1').update(text).digest('hex').slice(0, 8), 16) % 100_000_000;
const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString('base64');

const userJson = (base: string, login: string, type = 'User') => {
  const id = idOf(login);
  const api = `${base}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `https://avatars.example.test/u/${id}`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.example.test/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
    user_view_type: 'public',
  };
};

const orgSimpleJson = (base: string, org: GithubOrgSeed) => {
  const id = org.id ?? idOf(org.login);
  const api = `${base}/orgs/${org.login}`;
  return {
    login: org.login,
    id,
    node_id: nodeId('Organization', id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.example.test/o/${id}`,
    description: null,
  };
};

const orgFullJson = (base: string, org: GithubOrgSeed) => ({
  ...orgSimpleJson(base, org),
  name: org.login,
  html_url: `https://github.example.test/${org.login}`,
  has_organization_projects: true,
  has_repository_projects: true,
  public_repos: (org.repos ?? []).filter((r) => r.private === false).length,
  public_gists: 0,
  followers: 0,
  following: 0,
  type: 'Organization',
  total_private_repos: (org.repos ?? []).filter((r) => r.private !== false).length,
  default_repository_permission: org.defaultRepositoryPermission ?? 'read',
  two_factor_requirement_enabled: false,
  plan: { name: org.enterpriseCloud ? 'enterprise' : 'team', space: 976562499, private_repos: 999999, filled_seats: org.members.length, seats: org.members.length },
  created_at: '2015-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  archived_at: null,
});

const PERMISSION_OF: Record<string, string> = { admin: 'admin', maintain: 'maintain', write: 'push', triage: 'triage', read: 'pull' };
const permissionsOf = (role: RepoRole) => {
  const rank = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
  const r = rank < 0 ? 2 : rank; // a custom role: at least what its base grants; shown as write
  return { admin: r >= 4, maintain: r >= 3, push: r >= 2, triage: r >= 1, pull: true };
};

const repoJson = (base: string, org: GithubOrgSeed, repo: GithubRepoSeed, role?: RepoRole) => {
  const id = idOf(`${org.login}/${repo.name}`);
  const full = `${org.login}/${repo.name}`;
  const api = `${base}/repos/${full}`;
  const urls = Object.fromEntries(
    (
      [
        ['archive_url', '/{archive_format}{/ref}'],
        ['assignees_url', '/assignees{/user}'],
        ['blobs_url', '/git/blobs{/sha}'],
        ['branches_url', '/branches{/branch}'],
        ['collaborators_url', '/collaborators{/collaborator}'],
        ['comments_url', '/comments{/number}'],
        ['commits_url', '/commits{/sha}'],
        ['compare_url', '/compare/{base}...{head}'],
        ['contents_url', '/contents/{+path}'],
        ['contributors_url', '/contributors'],
        ['deployments_url', '/deployments'],
        ['downloads_url', '/downloads'],
        ['events_url', '/events'],
        ['forks_url', '/forks'],
        ['git_commits_url', '/git/commits{/sha}'],
        ['git_refs_url', '/git/refs{/sha}'],
        ['git_tags_url', '/git/tags{/sha}'],
        ['hooks_url', '/hooks'],
        ['issue_comment_url', '/issues/comments{/number}'],
        ['issue_events_url', '/issues/events{/number}'],
        ['issues_url', '/issues{/number}'],
        ['keys_url', '/keys{/key_id}'],
        ['labels_url', '/labels{/name}'],
        ['languages_url', '/languages'],
        ['merges_url', '/merges'],
        ['milestones_url', '/milestones{/number}'],
        ['notifications_url', '/notifications{?since,all,participating}'],
        ['pulls_url', '/pulls{/number}'],
        ['releases_url', '/releases{/id}'],
        ['stargazers_url', '/stargazers'],
        ['statuses_url', '/statuses/{sha}'],
        ['subscribers_url', '/subscribers'],
        ['subscription_url', '/subscription'],
        ['tags_url', '/tags'],
        ['teams_url', '/teams'],
        ['trees_url', '/git/trees{/sha}'],
      ] as const
    ).map(([key, suffix]) => [key, `${api}${suffix}`]),
  );
  return {
    id,
    node_id: nodeId('Repository', id),
    name: repo.name,
    full_name: full,
    owner: { ...userJson(base, org.login, 'Organization'), id: org.id ?? idOf(org.login) },
    private: repo.private !== false,
    html_url: `https://github.example.test/${full}`,
    description: null,
    fork: false,
    url: api,
    ...urls,
    archived: repo.archived === true,
    disabled: false,
    visibility: repo.private === false ? 'public' : 'private',
    default_branch: 'main',
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    pushed_at: '2025-01-01T00:00:00Z',
    ...(role === undefined ? {} : { permissions: permissionsOf(role), role_name: role }),
  };
};

const teamSimpleJson = (base: string, org: GithubOrgSeed, team: GithubTeamSeed) => {
  const id = idOf(`${org.login}/team/${team.slug}`);
  const api = `${base}/orgs/${org.login}/teams/${team.slug}`;
  return {
    id,
    node_id: nodeId('Team', id),
    url: api,
    members_url: `${api}/members{/member}`,
    name: team.name ?? team.slug,
    description: null,
    permission: 'pull',
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    html_url: `https://github.example.test/orgs/${org.login}/teams/${team.slug}`,
    repositories_url: `${api}/repos`,
    slug: team.slug,
    type: 'organization' as const,
    organization_id: org.id ?? idOf(org.login),
  };
};

const secretJson = (secret: GithubSecretSeed, withVisibility: boolean) => ({
  name: secret.name,
  created_at: iso(secret.createdAt),
  updated_at: iso(secret.updatedAt),
  ...(withVisibility ? { visibility: secret.visibility ?? 'all' } : {}),
});

/** The GitHub App permission an endpoint needs, as GitHub names it in `x-accepted-github-permissions` on a 403. */
export const ACCEPTED_PERMISSIONS: [RegExp, string][] = [
  [/^GET \/orgs\/[^/]+\/(actions\/secrets)$/, 'organization_secrets=read'],
  [/^GET \/orgs\/[^/]+\/dependabot\/secrets$/, 'organization_dependabot_secrets=read'],
  [/^GET \/orgs\/[^/]+\/personal-access-tokens$/, 'organization_personal_access_tokens=read'],
  [/^GET \/orgs\/[^/]+\/(installations|credential-authorizations|audit-log)$/, 'organization_administration=read'],
  [/^GET \/orgs\/[^/]+\/organization-roles/, 'organization_custom_org_roles=read'],
  [/^GET \/orgs\/[^/]+\/(members|outside_collaborators|invitations|teams)/, 'members=read'],
  [/^GET \/orgs\/[^/]+\/repos$/, 'metadata=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/collaborators$/, 'metadata=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/keys/, 'administration=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/environments\/[^/]+\/secrets$/, 'environments=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/environments$/, 'actions=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/actions\/secrets$/, 'secrets=read'],
  [/^GET \/repos\/[^/]+\/[^/]+\/dependabot\/secrets$/, 'dependabot_secrets=read'],
];

const etagOf = (payload: string) => `W/"${createHash('sha1').update(payload).digest('hex')}"`;

interface Routed {
  status: number;
  body?: unknown;
  /** The array to page (or the key of the array inside `body` for `{ total_count, <key>: [...] }` answers). */
  paged?: boolean | string;
  operation: string;
}

const error = (status: number, message: string, operation: string): Routed => ({
  status,
  body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
  operation,
});

export const startGithubFake = async (estate: GithubEstate, options: GithubFakeOptions = {}): Promise<GithubFake> => {
  const live = structuredClone(estate);
  const faults = options.faults ?? {};
  const resetSeconds = options.resetSeconds ?? 3600;
  const bucket = (limit: number): RateBucket => ({ limit, remaining: limit, used: 0, reset: Math.floor(Date.now() / 1000) + resetSeconds });
  const quota = { core: bucket(options.coreLimit ?? 5000), graphql: bucket(options.graphqlLimit ?? 5000) };
  const stats = { notModified: 0, tokensIssued: 0, arrivals: [] as number[] };

  const orgOf = (login: string) => live.orgs.find((org) => org.login.toLowerCase() === login.toLowerCase());
  const memberLogins = (org: GithubOrgSeed) => new Set(org.members.map((m) => m.login));
  const outsideCollaborators = (org: GithubOrgSeed) => {
    const members = memberLogins(org);
    return [...new Set((org.repos ?? []).flatMap((r) => (r.collaborators ?? []).map((c) => c.login)).filter((login) => !members.has(login)))].sort();
  };
  /** Members of a team, including members of its child teams (as GitHub lists them). */
  const teamMembers = (org: GithubOrgSeed, slug: string, seen = new Set<string>()): { login: string; role: 'member' | 'maintainer' }[] => {
    if (seen.has(slug)) return [];
    seen.add(slug);
    const team = org.teams?.find((t) => t.slug === slug);
    const own = team?.members ?? [];
    const children = (org.teams ?? []).filter((t) => t.parent === slug).flatMap((child) => teamMembers(org, child.slug, seen));
    return [...new Map([...children, ...own].map((m) => [m.login, m])).values()];
  };
  /** A team's own repositories (its parent's reach its members through the parent's member list). */
  const teamRepos = (_org: GithubOrgSeed, team: GithubTeamSeed): { repo: string; role: RepoRole }[] => team.repos ?? [];

  const route = (request: FakeRequest, base: string): Routed => {
    const { method, path, query } = request;
    let m: RegExpMatchArray | null;
    const op = (template: string) => `${method} ${template}`;

    if ((m = path.match(/^\/app\/installations\/(\d+)\/access_tokens$/)) && method === 'POST') {
      stats.tokensIssued += 1;
      return {
        status: 201,
        body: { token: `ghs_fake${stats.tokensIssued}`, expires_at: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: { members: 'read' }, repository_selection: 'all' },
        operation: op('/app/installations/{installation_id}/access_tokens'),
      };
    }
    if (path === '/rate_limit') {
      return { status: 200, body: { resources: { core: quota.core, graphql: quota.graphql, search: bucket(30) }, rate: quota.core }, operation: op('/rate_limit') };
    }
    if (path === '/graphql' && method === 'POST') return graphql(request);

    if ((m = path.match(/^\/orgs\/([^/]+)(\/.*)?$/))) {
      const org = orgOf(m[1]!);
      const rest = m[2] ?? '';
      if (!org) return error(404, 'Not Found', op('/orgs/{org}' + rest.replace(/\/[^/]+/g, '/…')));
      if (rest === '' && method === 'GET') return { status: 200, body: orgFullJson(base, org), operation: op('/orgs/{org}') };
      if (rest === '/members' && method === 'GET') {
        const role = query.get('role') ?? 'all';
        const twoFa = query.get('filter') === '2fa_disabled';
        const list = org.members.filter((mem) => (role === 'all' || mem.role === role) && (!twoFa || mem.twoFactor === false));
        return { status: 200, body: list.map((mem) => userJson(base, mem.login)), paged: true, operation: op('/orgs/{org}/members') };
      }
      if ((m = rest.match(/^\/memberships\/([^/]+)$/))) {
        const member = org.members.find((mem) => mem.login === m![1]);
        if (!member) return error(404, 'Not Found', op('/orgs/{org}/memberships/{username}'));
        if (method === 'PUT') {
          const role = (JSON.parse(request.body || '{}') as { role?: string }).role;
          if (role !== 'admin' && role !== 'member') return error(422, 'Validation Failed', op('/orgs/{org}/memberships/{username}'));
          member.role = role;
        } else if (method !== 'GET') return error(405, 'Method Not Allowed', op('/orgs/{org}/memberships/{username}'));
        return {
          status: 200,
          body: { url: `${base}/orgs/${org.login}/memberships/${member.login}`, state: 'active', role: member.role, organization_url: `${base}/orgs/${org.login}`, organization: orgSimpleJson(base, org), user: userJson(base, member.login) },
          operation: op('/orgs/{org}/memberships/{username}'),
        };
      }
      if (rest === '/outside_collaborators' && method === 'GET') {
        const twoFa = query.get('filter') === '2fa_disabled';
        const without = new Set(org.outsideWithout2fa ?? []);
        return { status: 200, body: outsideCollaborators(org).filter((login) => !twoFa || without.has(login)).map((login) => userJson(base, login)), paged: true, operation: op('/orgs/{org}/outside_collaborators') };
      }
      if (rest === '/invitations' && method === 'GET') {
        return {
          status: 200,
          body: (org.invitations ?? []).map((inv) => ({
            id: inv.id,
            login: inv.login ?? null,
            email: inv.email ?? null,
            role: inv.role,
            created_at: iso(inv.createdAt),
            failed_at: null,
            failed_reason: null,
            inviter: userJson(base, org.members.find((mem) => mem.role === 'admin')?.login ?? 'ghost'),
            team_count: 0,
            invitation_teams_url: `${base}/organizations/${org.id ?? idOf(org.login)}/invitations/${inv.id}/teams`,
            node_id: nodeId('OrganizationInvitation', inv.id),
            invitation_source: 'member',
          })),
          paged: true,
          operation: op('/orgs/{org}/invitations'),
        };
      }
      if (rest === '/organization-roles' && method === 'GET') {
        const roles = (org.orgRoles ?? []).map((role) => ({
          id: role.id,
          name: role.name,
          description: null,
          base_role: role.baseRole ?? null,
          source: role.source ?? 'Organization',
          permissions: role.permissions ?? [],
          organization: userJson(base, org.login, 'Organization'),
          created_at: '2024-01-01T00:00:00Z',
          updated_at: '2024-01-01T00:00:00Z',
        }));
        return { status: 200, body: { total_count: roles.length, roles }, operation: op('/orgs/{org}/organization-roles') };
      }
      if ((m = rest.match(/^\/organization-roles\/(\d+)\/(users|teams)$/)) && method === 'GET') {
        const role = org.orgRoles?.find((r) => r.id === Number(m![1]));
        if (!role) return error(404, 'Not Found', op(`/orgs/{org}/organization-roles/{role_id}/${m[2]}`));
        if (m[2] === 'users') {
          const direct = new Set(role.users ?? []);
          const viaTeam = (role.teams ?? []).flatMap((slug) => teamMembers(org, slug).map((mem) => ({ login: mem.login, slug })));
          const logins = [...new Set([...direct, ...viaTeam.map((v) => v.login)])].sort();
          return {
            status: 200,
            body: logins.map((login) => {
              const teams = viaTeam.filter((v) => v.login === login).map((v) => org.teams!.find((t) => t.slug === v.slug)!);
              if (options.orgRoleUsersWithoutAssignment) return userJson(base, login);
              return { ...userJson(base, login), assignment: direct.has(login) ? (teams.length ? 'mixed' : 'direct') : 'indirect', inherited_from: teams.map((t) => teamSimpleJson(base, org, t)) };
            }),
            paged: true,
            operation: op('/orgs/{org}/organization-roles/{role_id}/users'),
          };
        }
        return {
          status: 200,
          body: (role.teams ?? []).map((slug) => ({ ...teamSimpleJson(base, org, org.teams!.find((t) => t.slug === slug)!), assignment: 'direct', parent: null })),
          paged: true,
          operation: op('/orgs/{org}/organization-roles/{role_id}/teams'),
        };
      }
      if ((m = rest.match(/^\/organization-roles\/(users|teams)\/([^/]+)\/(\d+)$/))) {
        const role = org.orgRoles?.find((r) => r.id === Number(m![3]));
        const operation = op(`/orgs/{org}/organization-roles/${m[1]}/{${m[1] === 'users' ? 'username' : 'team_slug'}}/{role_id}`);
        if (!role) return error(404, 'Not Found', operation);
        const key = m[1] === 'users' ? 'users' : 'teams';
        const list = new Set(role[key] ?? []);
        if (method === 'DELETE') list.delete(m[2]!);
        else if (method === 'PUT') list.add(m[2]!);
        else return error(405, 'Method Not Allowed', operation);
        role[key] = [...list];
        return { status: 204, operation };
      }
      if (rest === '/repos' && method === 'GET') {
        return { status: 200, body: (org.repos ?? []).map((repo) => repoJson(base, org, repo)), paged: true, operation: op('/orgs/{org}/repos') };
      }
      if (rest === '/teams' && method === 'GET') {
        return {
          status: 200,
          body: (org.teams ?? []).map((team) => {
            const parent = team.parent ? org.teams?.find((t) => t.slug === team.parent) : undefined;
            return { ...teamSimpleJson(base, org, team), parent: parent ? teamSimpleJson(base, org, parent) : null };
          }),
          paged: true,
          operation: op('/orgs/{org}/teams'),
        };
      }
      if ((m = rest.match(/^\/teams\/([^/]+)\/(members|repos)$/)) && method === 'GET') {
        const team = org.teams?.find((t) => t.slug === m![1]);
        const operation = op(`/orgs/{org}/teams/{team_slug}/${m[2]}`);
        if (!team) return error(404, 'Not Found', operation);
        if (m[2] === 'members') {
          const role = query.get('role') ?? 'all';
          return { status: 200, body: teamMembers(org, team.slug).filter((mem) => role === 'all' || mem.role === role).map((mem) => userJson(base, mem.login)), paged: true, operation };
        }
        const repos = teamRepos(org, team).flatMap(({ repo, role }) => {
          const found = org.repos?.find((r) => r.name === repo);
          return found ? [repoJson(base, org, found, role)] : [];
        });
        return { status: 200, body: repos, paged: true, operation };
      }
      if ((m = rest.match(/^\/teams\/([^/]+)\/memberships\/([^/]+)$/))) {
        const team = org.teams?.find((t) => t.slug === m![1]);
        const operation = op('/orgs/{org}/teams/{team_slug}/memberships/{username}');
        if (!team) return error(404, 'Not Found', operation);
        const login = m[2]!;
        const existing = team.members?.find((mem) => mem.login === login);
        const membership = (role: string) => ({ url: `${base}/orgs/${org.login}/teams/${team.slug}/memberships/${login}`, role, state: 'active' });
        if (method === 'GET') return existing ? { status: 200, body: membership(existing.role), operation } : error(404, 'Not Found', operation);
        if (method === 'DELETE') {
          if (!existing) return error(404, 'Not Found', operation);
          team.members = team.members!.filter((mem) => mem.login !== login);
          return { status: 204, operation };
        }
        if (method === 'PUT') {
          const role = (JSON.parse(request.body || '{}') as { role?: 'member' | 'maintainer' }).role ?? 'member';
          team.members = [...(team.members ?? []).filter((mem) => mem.login !== login), { login, role }];
          return { status: 200, body: membership(role), operation };
        }
        return error(405, 'Method Not Allowed', operation);
      }
      if (rest === '/installations' && method === 'GET') {
        const installations = (org.installations ?? []).map((inst) => ({
          id: inst.id,
          account: userJson(base, org.login, 'Organization'),
          repository_selection: inst.repositorySelection ?? 'all',
          access_tokens_url: `${base}/app/installations/${inst.id}/access_tokens`,
          repositories_url: `${base}/installation/repositories`,
          html_url: `https://github.example.test/organizations/${org.login}/settings/installations/${inst.id}`,
          app_id: inst.appId,
          target_id: org.id ?? idOf(org.login),
          target_type: 'Organization',
          permissions: inst.permissions,
          events: [],
          created_at: iso(inst.createdAt),
          updated_at: iso(inst.createdAt),
          single_file_name: null,
          app_slug: inst.appSlug,
          suspended_by: null,
          suspended_at: null,
        }));
        return { status: 200, body: { total_count: installations.length, installations }, paged: 'installations', operation: op('/orgs/{org}/installations') };
      }
      if ((rest === '/actions/secrets' || rest === '/dependabot/secrets') && method === 'GET') {
        const secrets = (rest === '/actions/secrets' ? org.actionsSecrets : org.dependabotSecrets) ?? [];
        return { status: 200, body: { total_count: secrets.length, secrets: secrets.map((s) => secretJson(s, true)) }, paged: 'secrets', operation: op(`/orgs/{org}${rest}`) };
      }
      if (rest === '/personal-access-tokens' && method === 'GET') {
        return {
          status: 200,
          body: (org.patGrants ?? []).map((grant) => ({
            id: grant.id,
            owner: userJson(base, grant.owner),
            repository_selection: grant.repositorySelection ?? 'subset',
            repositories_url: `${base}/orgs/${org.login}/personal-access-tokens/${grant.id}/repositories`,
            permissions: grant.permissions ?? {},
            access_granted_at: iso(grant.grantedAt),
            token_id: grant.tokenId,
            token_name: grant.tokenName,
            token_expired: grant.expired === true,
            token_expires_at: grant.expiresAt === null ? null : iso(grant.expiresAt),
            token_last_used_at: grant.lastUsedAt === null ? null : iso(grant.lastUsedAt),
          })),
          paged: true,
          operation: op('/orgs/{org}/personal-access-tokens'),
        };
      }
      if ((m = rest.match(/^\/personal-access-tokens\/(\d+)$/)) && method === 'POST') {
        const operation = op('/orgs/{org}/personal-access-tokens/{pat_id}');
        const grant = org.patGrants?.find((g) => g.id === Number(m![1]));
        if (!grant) return error(404, 'Not Found', operation);
        if ((JSON.parse(request.body || '{}') as { action?: string }).action !== 'revoke') return error(422, 'Validation Failed', operation);
        org.patGrants = org.patGrants!.filter((g) => g !== grant);
        return { status: 204, operation };
      }
      if (rest === '/credential-authorizations' && method === 'GET') {
        if (!org.enterpriseCloud) return error(404, 'Not Found', op('/orgs/{org}/credential-authorizations'));
        return {
          status: 200,
          body: (org.credentialAuthorizations ?? []).map((auth) => ({
            login: auth.login,
            credential_id: auth.credentialId,
            credential_type: auth.type,
            ...(auth.type === 'SSH key' ? { fingerprint: `SHA256:${createHash('sha256').update(String(auth.credentialId)).digest('base64').slice(0, 43)}` } : { token_last_eight: String(auth.credentialId).padStart(8, '0'), scopes: ['repo'] }),
            credential_authorized_at: iso(auth.authorizedAt),
            credential_accessed_at: auth.accessedAt === null ? null : iso(auth.accessedAt),
            authorized_credential_id: auth.credentialId + 1_000_000,
            authorized_credential_title: auth.title ?? null,
            authorized_credential_note: null,
            authorized_credential_expires_at: auth.expiresAt ? iso(auth.expiresAt) : null,
          })),
          paged: true,
          operation: op('/orgs/{org}/credential-authorizations'),
        };
      }
      if (rest === '/audit-log' && method === 'GET') {
        const operation = op('/orgs/{org}/audit-log');
        if (!org.enterpriseCloud) return error(404, 'Not Found', operation);
        // The phrase qualifiers dutybound sends: `actor:LOGIN` and `created:>=DATE`.
        const phrase = query.get('phrase') ?? '';
        const actor = phrase.match(/actor:(\S+)/)?.[1];
        const since = phrase.match(/created:>=(\S+)/)?.[1];
        const events = org.members
          .filter((mem) => mem.lastActiveAt && (!actor || mem.login === actor) && (!since || Date.parse(mem.lastActiveAt) >= Date.parse(since)))
          .map((mem) => {
            const at = Date.parse(mem.lastActiveAt!);
            return { '@timestamp': at, action: 'repo.access', actor: mem.login, actor_id: idOf(mem.login), created_at: at, _document_id: createHash('sha1').update(`${mem.login}${at}`).digest('base64url').slice(0, 22), org: org.login, org_id: org.id ?? idOf(org.login) };
          })
          .sort((a, b) => (query.get('order') === 'asc' ? a['@timestamp'] - b['@timestamp'] : b['@timestamp'] - a['@timestamp']));
        return { status: 200, body: events, paged: true, operation };
      }
      if ((m = rest.match(/^\/credential-authorizations\/(\d+)$/)) && method === 'DELETE') {
        const operation = op('/orgs/{org}/credential-authorizations/{credential_id}');
        const found = org.credentialAuthorizations?.find((a) => a.credentialId === Number(m![1]));
        if (!org.enterpriseCloud || !found) return error(404, 'Not Found', operation);
        org.credentialAuthorizations = org.credentialAuthorizations!.filter((a) => a !== found);
        return { status: 204, operation };
      }
      return error(404, 'Not Found', op('/orgs/{org}' + rest));
    }

    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/))) {
      const org = orgOf(m[1]!);
      const repo = org?.repos?.find((r) => r.name === m![2]);
      const rest = m[3] ?? '';
      const template = `/repos/{owner}/{repo}${rest.replace(/^\/collaborators\/[^/]+$/, '/collaborators/{username}').replace(/^\/keys\/\d+$/, '/keys/{key_id}').replace(/^\/environments\/[^/]+\/secrets$/, '/environments/{environment_name}/secrets')}`;
      const operation = op(template);
      if (!org || !repo) return error(404, 'Not Found', operation);
      const full = `${org.login}/${repo.name}`;
      if (rest === '/collaborators' && method === 'GET') {
        // affiliation=direct (what dutybound asks for): direct collaborators only.
        return {
          status: 200,
          body: (repo.collaborators ?? []).map((c) => ({ ...userJson(base, c.login), permissions: permissionsOf(c.role), role_name: c.role })),
          paged: true,
          operation,
        };
      }
      if ((m = rest.match(/^\/collaborators\/([^/]+)$/))) {
        const login = m[1]!;
        if (method === 'DELETE') {
          repo.collaborators = (repo.collaborators ?? []).filter((c) => c.login !== login);
          return { status: 204, operation };
        }
        if (method === 'PUT') {
          const permission = (JSON.parse(request.body || '{}') as { permission?: string }).permission ?? 'push';
          const role = Object.entries(PERMISSION_OF).find(([, p]) => p === permission)?.[0] ?? permission;
          repo.collaborators = [...(repo.collaborators ?? []).filter((c) => c.login !== login), { login, role }];
          return { status: 204, operation };
        }
      }
      const keyJson = (key: NonNullable<GithubRepoSeed['deployKeys']>[number]) => ({
        id: key.id,
        key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${createHash('sha256').update(String(key.id)).digest('base64').slice(0, 43)}`,
        url: `${base}/repos/${full}/keys/${key.id}`,
        title: key.title,
        verified: true,
        created_at: iso(key.createdAt),
        read_only: key.readOnly,
        added_by: null,
        last_used: key.lastUsed === null ? null : iso(key.lastUsed),
        enabled: true,
      });
      if (rest === '/keys' && method === 'GET') return { status: 200, body: (repo.deployKeys ?? []).map(keyJson), paged: true, operation };
      if ((m = rest.match(/^\/keys\/(\d+)$/)) && method === 'GET') {
        const key = repo.deployKeys?.find((k) => k.id === Number(m![1]));
        return key ? { status: 200, body: keyJson(key), operation } : error(404, 'Not Found', operation);
      }
      if (rest === '/keys' && method === 'POST') {
        const body = JSON.parse(request.body || '{}') as { title?: string; key?: string; read_only?: boolean };
        if (!body.key) return error(422, 'Validation Failed', operation);
        const id = maxOf([...(repo.deployKeys ?? []).map((k) => k.id), ...live.orgs.flatMap((o) => (o.repos ?? []).flatMap((r) => (r.deployKeys ?? []).map((k) => k.id)))], 0) + 1;
        const created = { id, title: body.title ?? '', readOnly: body.read_only ?? true, createdAt: new Date().toISOString(), lastUsed: null };
        repo.deployKeys = [...(repo.deployKeys ?? []), created];
        return {
          status: 201,
          body: { id, key: body.key, url: `${base}/repos/${full}/keys/${id}`, title: created.title, verified: true, created_at: iso(created.createdAt), read_only: created.readOnly, added_by: null, last_used: null, enabled: true },
          operation,
        };
      }
      if ((m = rest.match(/^\/keys\/(\d+)$/)) && method === 'DELETE') {
        const id = Number(m[1]);
        if (!repo.deployKeys?.some((k) => k.id === id)) return error(404, 'Not Found', operation);
        repo.deployKeys = repo.deployKeys.filter((k) => k.id !== id);
        return { status: 204, operation };
      }
      if ((rest === '/actions/secrets' || rest === '/dependabot/secrets') && method === 'GET') {
        const secrets = (rest === '/actions/secrets' ? repo.actionsSecrets : repo.dependabotSecrets) ?? [];
        return { status: 200, body: { total_count: secrets.length, secrets: secrets.map((s) => secretJson(s, false)) }, paged: 'secrets', operation };
      }
      if (rest === '/environments' && method === 'GET') {
        const environments = (repo.environments ?? []).map((env) => {
          const id = idOf(`${full}/env/${env.name}`);
          return { id, node_id: nodeId('Environment', id), name: env.name, url: `${base}/repos/${full}/environments/${env.name}`, html_url: `https://github.example.test/${full}/deployments/activity_log?environments_filter=${env.name}`, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z', protection_rules: [] };
        });
        return { status: 200, body: { total_count: environments.length, environments }, paged: 'environments', operation };
      }
      if ((m = rest.match(/^\/environments\/([^/]+)\/secrets$/)) && method === 'GET') {
        const env = repo.environments?.find((e) => e.name === m![1]);
        if (!env) return error(404, 'Not Found', operation);
        return { status: 200, body: { total_count: (env.secrets ?? []).length, secrets: (env.secrets ?? []).map((s) => secretJson(s, false)) }, paged: 'secrets', operation };
      }
      return error(404, 'Not Found', operation);
    }
    return error(404, 'Not Found', `${method} ${path}`);
  };

  // ---- GraphQL: the queries dutybound sends, recognised by operation name -------------------
  const connection = <T>(items: T[], first: number, after: string | null | undefined) => {
    const start = after ? Number(Buffer.from(after, 'base64').toString('utf8').replace('cursor:', '')) : 0;
    const page = items.slice(start, start + first);
    const end = start + page.length;
    return { page, totalCount: items.length, pageInfo: { hasNextPage: end < items.length, endCursor: page.length ? Buffer.from(`cursor:${end}`).toString('base64') : null } };
  };
  const PERMISSION_ENUM = (role: RepoRole) => (['admin', 'maintain', 'write', 'triage', 'read'].includes(role) ? role.toUpperCase() : 'WRITE');

  const graphql = (request: FakeRequest): Routed => {
    const operation = 'POST /graphql';
    let body: { query?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return error(400, 'Problems parsing JSON', operation);
    }
    const name = body.query?.match(/^\s*query\s+(\w+)/)?.[1];
    const vars = body.variables ?? {};
    const org = orgOf(String(vars.org ?? ''));
    const gqlOp = `graphql ${name ?? 'anonymous'}`;
    if (!org) return { status: 200, body: { data: { organization: null }, errors: [{ type: 'NOT_FOUND', path: ['organization'], message: `Could not resolve to an Organization with the login of '${String(vars.org)}'.` }] }, operation: gqlOp };
    const after = (vars.after as string | null | undefined) ?? null;
    // GitHub caps `first` at 100; the queries pass it as a variable.
    const first = Math.min(100, Number(vars.first ?? 100));
    if (name === 'DutyboundRepositories') {
      const repos = (org.repos ?? []).filter((r) => vars.archived !== false || !r.archived);
      const conn = connection(repos, first, after);
      const nodes = conn.page.map((repo) => {
        const collaborators = connection(repo.collaborators ?? [], first, null);
        const environments = connection(repo.environments ?? [], first, null);
        return {
          name: repo.name,
          isArchived: repo.archived === true,
          collaborators: {
            totalCount: collaborators.totalCount,
            edges: collaborators.page.map((c) => ({
              permission: PERMISSION_ENUM(c.role),
              // Where the access comes from: the repository's own grant, and the org's base permission for members.
              permissionSources: [
                { roleName: c.role, source: { __typename: 'Repository' } },
                ...(org.members.some((mem) => mem.login === c.login) && (org.defaultRepositoryPermission ?? 'read') !== 'none'
                  ? [{ roleName: org.defaultRepositoryPermission ?? 'read', source: { __typename: 'Organization' } }]
                  : []),
              ],
              node: { login: c.login },
            })),
          },
          deployKeys: { totalCount: (repo.deployKeys ?? []).length },
          environments: { totalCount: environments.totalCount, nodes: environments.page.map((e) => ({ name: e.name })) },
        };
      });
      return { status: 200, body: { data: { organization: { repositories: { totalCount: conn.totalCount, pageInfo: conn.pageInfo, nodes } } } }, operation: gqlOp, paged: false };
    }
    if (name === 'DutyboundTeams') {
      const conn = connection(org.teams ?? [], first, after);
      const nodes = conn.page.map((team) => {
        const members = connection(teamMembers(org, team.slug), first, null);
        const repos = connection(teamRepos(org, team).filter((r) => org.repos?.some((repo) => repo.name === r.repo)), first, null);
        return {
          slug: team.slug,
          parentTeam: team.parent ? { slug: team.parent } : null,
          members: { totalCount: members.totalCount, edges: members.page.map((mem) => ({ role: mem.role.toUpperCase(), node: { login: mem.login } })) },
          repositories: { totalCount: repos.totalCount, edges: repos.page.map((r) => ({ permission: PERMISSION_ENUM(r.role), node: { name: r.repo } })) },
        };
      });
      return { status: 200, body: { data: { organization: { teams: { pageInfo: conn.pageInfo, nodes } } } }, operation: gqlOp };
    }
    if (name === 'DutyboundSamlIdentities') {
      if (!org.enterpriseCloud) return { status: 200, body: { data: { organization: { samlIdentityProvider: null } } }, operation: gqlOp };
      const linked = org.members.filter((mem) => mem.samlNameId);
      const conn = connection(linked, first, after);
      return {
        status: 200,
        body: {
          data: {
            organization: {
              samlIdentityProvider: {
                externalIdentities: {
                  pageInfo: conn.pageInfo,
                  nodes: conn.page.map((mem) => ({ samlIdentity: { nameId: mem.samlNameId, emails: [{ value: mem.samlNameId }] }, user: { login: mem.login } })),
                },
              },
            },
          },
        },
        operation: gqlOp,
      };
    }
    return { status: 200, body: { errors: [{ message: `fake GitHub: unknown GraphQL operation ${name ?? '(anonymous)'}` }] }, operation: gqlOp };
  };

  const page = (request: FakeRequest, routed: Routed, base: string): { body: unknown; headers: Record<string, string> } => {
    if (!routed.paged || routed.status !== 200) return { body: routed.body, headers: {} };
    const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
    const pageNo = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const key = typeof routed.paged === 'string' ? routed.paged : undefined;
    const all = (key ? (routed.body as Record<string, unknown[]>)[key] : routed.body) as unknown[];
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const slice = all.slice((pageNo - 1) * perPage, pageNo * perPage);
    const link = (n: number, rel: string) => {
      const query = new URLSearchParams(request.query);
      query.set('page', String(n));
      query.set('per_page', String(perPage));
      return `<${base}${request.path}?${query.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(pageNo < last ? [link(pageNo + 1, 'next'), link(last, 'last')] : []),
      ...(pageNo > 1 ? [link(1, 'first'), link(pageNo - 1, 'prev')] : []),
    ];
    return { body: key ? { ...(routed.body as object), [key]: slice } : slice, headers: links.length ? { link: links.join(', ') } : {} };
  };

  const rateHeaders = (resource: 'core' | 'graphql') => {
    const b = quota[resource];
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(b.remaining),
      'x-ratelimit-used': String(b.used),
      'x-ratelimit-reset': String(b.reset),
      'x-ratelimit-resource': resource,
    };
  };

  const handler = (request: FakeRequest): FakeResponse => {
    stats.arrivals.push(Date.now());
    const base = `http://${request.headers.host ?? '127.0.0.1'}`;
    const common = { 'x-github-api-version-selected': API_VERSION, 'x-github-media-type': 'github.v3; format=json' };
    const auth = request.headers.authorization ?? '';
    const isTokenExchange = /^\/app\/installations\/\d+\/access_tokens$/.test(request.path);
    if (options.token !== undefined && !isTokenExchange && !auth.endsWith(` ${options.token}`) && !/ ghs_fake\d+$/.test(auth)) {
      return { status: 401, headers: common, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, operation: 'unauthorized' };
    }
    const signature = `${request.method} ${request.path}`;
    const resource = request.path === '/graphql' ? 'graphql' : 'core';
    const b = quota[resource];
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (nowSeconds >= b.reset) Object.assign(b, { remaining: b.limit, used: 0, reset: nowSeconds + resetSeconds });
    if (faults.deny?.some((re) => re.test(signature))) {
      b.remaining = Math.max(0, b.remaining - 1);
      b.used += 1;
      const accepted = ACCEPTED_PERMISSIONS.find(([re]) => re.test(signature))?.[1];
      return {
        status: 403,
        headers: { ...common, ...rateHeaders(resource), ...(accepted ? { 'x-accepted-github-permissions': accepted } : {}) },
        body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' },
        operation: 'denied',
      };
    }
    if (faults.missing?.some((re) => re.test(signature))) {
      return { status: 404, headers: { ...common, ...rateHeaders(resource) }, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }, operation: 'missing' };
    }
    if (resource === 'graphql' && b.remaining <= 0) {
      // GraphQL answers a spent primary limit with 200 and a RATE_LIMITED error.
      return { status: 200, headers: { ...common, ...rateHeaders(resource) }, body: { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation ID 1.' }] }, operation: 'graphql-rate-limit' };
    }
    if (!isTokenExchange && request.path !== '/rate_limit' && b.remaining <= 0) {
      const status = options.primaryStatus ?? 403;
      return {
        status,
        headers: { ...common, ...rateHeaders(resource) },
        body: { message: `API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.`, documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting', status: String(status) },
        operation: 'primary-rate-limit',
      };
    }
    const routed = route(request, base);
    const { body, headers } = page(request, routed, base);
    const payload = body === undefined ? '' : JSON.stringify(body);
    const counted = !isTokenExchange && request.path !== '/rate_limit';
    if (request.method === 'GET' && routed.status === 200) {
      const etag = etagOf(payload);
      // Conditional requests answered 304 do not count against the primary limit.
      if (request.headers['if-none-match'] === etag) {
        stats.notModified += 1;
        return { status: 304, headers: { ...common, ...headers, etag, ...rateHeaders(resource) }, operation: routed.operation };
      }
      headers.etag = etag;
    }
    if (counted) {
      b.remaining = Math.max(0, b.remaining - 1);
      b.used += 1;
    }
    return { status: routed.status, headers: { ...common, ...headers, ...rateHeaders(resource) }, body, operation: routed.operation };
  };

  const inject = (_request: FakeRequest, callNumber: number): FakeResponse | undefined => {
    if (faults.secondaryAt?.includes(callNumber)) {
      return {
        status: 403,
        headers: { 'retry-after': String(faults.retryAfterSeconds ?? 1), 'x-github-api-version-selected': API_VERSION },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '403' },
        operation: 'secondary-rate-limit',
      };
    }
    if (faults.serverErrorAt?.includes(callNumber)) return { status: 502, body: { message: 'Server Error' }, operation: 'server-error' };
    return undefined;
  };

  const server = await startFakeServer(handler, { latencyMs: options.latencyMs, inject });
  return Object.assign(server, { estate: live, quota, stats });
};
