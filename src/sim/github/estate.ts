// A GitHub estate as plain data: what the fake GitHub serves. Hand-written in tests, or
// generated at any size from a seed (createGithubEstate) for the demo and the benchmark.

import { seededRandom } from '../random.ts';

export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | (string & {});

export interface GithubMemberSeed {
  login: string;
  role: 'admin' | 'member';
  /** False: listed by `filter=2fa_disabled`. Default true. */
  twoFactor?: boolean;
  /** SAML NameID of the member's linked external identity (Enterprise Cloud orgs). */
  samlNameId?: string;
  /** Time of the member's latest audit-log event (Enterprise Cloud orgs); absent: none. */
  lastActiveAt?: string;
}

export interface GithubSecretSeed {
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Organization secrets only. */
  visibility?: 'all' | 'private' | 'selected';
}

export interface GithubRepoSeed {
  name: string;
  archived?: boolean;
  private?: boolean;
  /** Direct collaborators (members or outside collaborators) and their role name. */
  collaborators?: { login: string; role: RepoRole }[];
  deployKeys?: { id: number; title: string; readOnly: boolean; createdAt: string; lastUsed: string | null }[];
  actionsSecrets?: GithubSecretSeed[];
  dependabotSecrets?: GithubSecretSeed[];
  environments?: { name: string; secrets?: GithubSecretSeed[] }[];
}

export interface GithubTeamSeed {
  slug: string;
  name?: string;
  /** Slug of the parent team: members of this team inherit the parent's repositories. */
  parent?: string;
  members?: { login: string; role: 'member' | 'maintainer' }[];
  repos?: { repo: string; role: RepoRole }[];
}

export interface GithubOrgRoleSeed {
  id: number;
  name: string;
  baseRole?: 'read' | 'triage' | 'write' | 'maintain' | 'admin' | null;
  permissions?: string[];
  source?: 'Organization' | 'Enterprise' | 'Predefined';
  users?: string[];
  teams?: string[];
}

export interface GithubInstallationSeed {
  id: number;
  appId: number;
  appSlug: string;
  permissions: Record<string, 'read' | 'write' | 'admin'>;
  repositorySelection?: 'all' | 'selected';
  createdAt: string;
}

export interface GithubPatGrantSeed {
  id: number;
  owner: string;
  tokenId: number;
  tokenName: string;
  grantedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  expired?: boolean;
  permissions?: { organization?: Record<string, string>; repository?: Record<string, string> };
  repositorySelection?: 'none' | 'all' | 'subset';
}

export interface GithubCredentialAuthorizationSeed {
  credentialId: number;
  login: string;
  type: 'personal access token' | 'SSH key' | 'OAuth app token' | 'GitHub app token';
  authorizedAt: string;
  accessedAt: string | null;
  expiresAt?: string | null;
  title?: string;
}

export interface GithubOrgSeed {
  login: string;
  id?: number;
  /** Enterprise Cloud: SAML single sign-on, credential authorizations and external identities exist. */
  enterpriseCloud?: boolean;
  defaultRepositoryPermission?: 'read' | 'write' | 'admin' | 'none';
  members: GithubMemberSeed[];
  /** Outside collaborators without 2FA (logins); collaborators not in `members` are outside collaborators. */
  outsideWithout2fa?: string[];
  invitations?: { id: number; login?: string | null; email?: string | null; role: 'admin' | 'direct_member' | 'billing_manager'; createdAt: string }[];
  teams?: GithubTeamSeed[];
  repos?: GithubRepoSeed[];
  actionsSecrets?: GithubSecretSeed[];
  dependabotSecrets?: GithubSecretSeed[];
  orgRoles?: GithubOrgRoleSeed[];
  installations?: GithubInstallationSeed[];
  patGrants?: GithubPatGrantSeed[];
  credentialAuthorizations?: GithubCredentialAuthorizationSeed[];
}

export interface GithubEstate {
  orgs: GithubOrgSeed[];
}


export interface GithubEstateSize {
  org?: string;
  repos: number;
  members: number;
  teams: number;
  /** Base instant for generated dates (default 2026-01-01). */
  now?: string;
  enterpriseCloud?: boolean;
}

/** A plausible organization of the given size: a few owners, nested teams, collaborators, keys, secrets, tokens. */
export const createGithubEstate = (seed: number, size: GithubEstateSize): GithubEstate => {
  const rand = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const now = Date.parse(size.now ?? '2026-01-01T00:00:00Z');
  const daysAgo = (max: number) => new Date(now - Math.floor(rand() * max) * 86_400_000 - Math.floor(rand() * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const org = size.org ?? 'acme';
  const enterpriseCloud = size.enterpriseCloud ?? true;

  const members: GithubMemberSeed[] = Array.from({ length: size.members }, (_, i) => ({
    login: `user${String(i).padStart(5, '0')}`,
    role: i < Math.max(3, Math.ceil(size.members / 1000)) ? 'admin' : 'member',
    twoFactor: rand() > 0.03,
    ...(enterpriseCloud ? { samlNameId: `user${String(i).padStart(5, '0')}@${org}.example`, ...(rand() < 0.8 ? { lastActiveAt: daysAgo(120) } : {}) } : {}),
  }));
  const outsiders = Array.from({ length: Math.max(1, Math.ceil(size.repos / 50)) }, (_, i) => `vendor${String(i).padStart(3, '0')}`);
  const roles: RepoRole[] = ['read', 'triage', 'write', 'write', 'maintain', 'admin'];
  const secret = (name: string): GithubSecretSeed => {
    const createdAt = daysAgo(900);
    return { name, createdAt, updatedAt: rand() < 0.5 ? createdAt : new Date(Math.max(Date.parse(createdAt), now - Math.floor(rand() * 400) * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  };

  let keyId = 1000;
  const repos: GithubRepoSeed[] = Array.from({ length: size.repos }, (_, i) => {
    const name = `repo-${String(i).padStart(5, '0')}`;
    const collaborators = Array.from({ length: Math.floor(rand() * 3) }, () => ({ login: pick(members).login, role: pick(roles) }));
    if (rand() < 0.05) collaborators.push({ login: pick(outsiders), role: pick(roles) });
    const unique = [...new Map(collaborators.map((c) => [c.login, c])).values()];
    return {
      name,
      archived: rand() < 0.05,
      private: rand() < 0.8,
      collaborators: unique,
      deployKeys:
        rand() < 0.1
          ? Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({
              id: keyId++,
              title: `deploy-${keyId}`,
              readOnly: rand() < 0.6,
              createdAt: daysAgo(800),
              lastUsed: rand() < 0.3 ? null : daysAgo(120),
            }))
          : [],
      actionsSecrets: Array.from({ length: Math.floor(rand() * 3) }, (_, s) => secret(`SECRET_${s}`)),
      dependabotSecrets: rand() < 0.2 ? [secret('REGISTRY_TOKEN')] : [],
      environments: rand() < 0.15 ? [{ name: 'production', secrets: [secret('DEPLOY_TOKEN')] }, ...(rand() < 0.5 ? [{ name: 'staging', secrets: [] }] : [])] : [],
    };
  });

  const teams: GithubTeamSeed[] = Array.from({ length: size.teams }, (_, i) => {
    const memberCount = 3 + Math.floor(rand() * 25);
    const teamMembers = [...new Map(Array.from({ length: memberCount }, () => [pick(members).login, 0])).keys()].map((login, m) => ({
      login,
      role: (m === 0 ? 'maintainer' : 'member') as 'member' | 'maintainer',
    }));
    const repoCount = Math.max(1, Math.floor((rand() * 2 * size.repos * 3) / Math.max(1, size.teams)));
    const teamRepos = [...new Map(Array.from({ length: repoCount }, () => [pick(repos).name, pick(roles)])).entries()].map(([repo, role]) => ({ repo, role }));
    return {
      slug: `team-${String(i).padStart(4, '0')}`,
      ...(i > 10 && rand() < 0.2 ? { parent: `team-${String(Math.floor(rand() * 10)).padStart(4, '0')}` } : {}),
      members: teamMembers,
      repos: teamRepos,
    };
  });

  return {
    orgs: [
      {
        login: org,
        id: 1000 + seed,
        enterpriseCloud,
        defaultRepositoryPermission: 'read',
        members,
        outsideWithout2fa: outsiders.filter(() => rand() < 0.3),
        invitations: [{ id: 1, login: 'newcomer', email: null, role: 'admin', createdAt: daysAgo(10) }],
        teams,
        repos,
        actionsSecrets: [secret('NPM_TOKEN'), { ...secret('SLACK_WEBHOOK'), visibility: 'private' as const }].map((s): GithubSecretSeed => ({ visibility: 'all' as const, ...s })),
        dependabotSecrets: [{ ...secret('REGISTRY_TOKEN'), visibility: 'all' as const }],
        orgRoles: [
          { id: 8132, name: 'all_repo_admin', baseRole: 'admin', permissions: [], source: 'Predefined', users: [pick(members).login], teams: [teams[0]?.slug ?? ''].filter(Boolean) },
          { id: 8133, name: 'security_manager', baseRole: 'read', permissions: ['read_organization_custom_org_role'], source: 'Predefined', users: [pick(members).login] },
        ],
        installations: [
          { id: 1, appId: 11, appSlug: 'dutybound', permissions: { members: 'read', administration: 'read', metadata: 'read' }, createdAt: daysAgo(300) },
          { id: 2, appId: 12, appSlug: 'deploy-bot', permissions: { contents: 'write', administration: 'write', metadata: 'read' }, createdAt: daysAgo(600) },
        ],
        patGrants: Array.from({ length: Math.max(2, Math.ceil(size.members / 250)) }, (_, i) => {
          const expired = rand() < 0.1;
          return {
            id: 100 + i,
            owner: pick(members).login,
            tokenId: 5000 + i,
            tokenName: `ci-token-${i}`,
            grantedAt: daysAgo(400),
            expiresAt: rand() < 0.2 ? null : new Date(now + (expired ? -1 : 1) * Math.floor(1 + rand() * 200) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            lastUsedAt: rand() < 0.2 ? null : daysAgo(90),
            expired,
            permissions: { repository: { contents: rand() < 0.5 ? 'write' : 'read', metadata: 'read' } },
            repositorySelection: 'subset' as const,
          };
        }),
        credentialAuthorizations: enterpriseCloud
          ? Array.from({ length: Math.max(2, Math.ceil(size.members / 100)) }, (_, i) => ({
              credentialId: 7000 + i,
              login: pick(members).login,
              type: rand() < 0.7 ? ('personal access token' as const) : ('SSH key' as const),
              authorizedAt: daysAgo(700),
              accessedAt: rand() < 0.2 ? null : daysAgo(100),
              expiresAt: null,
            }))
          : [],
      },
    ],
  };
};
