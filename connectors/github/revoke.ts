// Revokers for enforce mode: each reads (no write) exactly one GitHub entitlement or credential,
// named by the `ref` collection recorded, then removes it; the prior state read first is what
// `restore` needs. Writes go through the write-spaced client (GitHub asks for a second between
// content-changing requests).
import type { Credential, Entitlement } from '../../src/model/index.ts';
import type { CollectContext, Revoker } from '../types.ts';
import { createGithubClient, type ClientTuning, type GithubOctokit } from './client.ts';
import type { GithubConfig } from './schema.ts';

type Item = { entitlement?: Entitlement; credential?: Credential };
type Ref = Record<string, unknown>;

const refOf = (item: Item): Ref => (item.entitlement?.ref ?? item.credential?.ref ?? {}) as Ref;
const str = (ref: Ref, key: string): string => {
  const value = ref[key];
  if (typeof value !== 'string' || !value) throw new Error(`github revoker: ref.${key} missing in ${JSON.stringify(ref)}`);
  return value;
};
const num = (ref: Ref, key: string): number => {
  const value = ref[key];
  if (typeof value !== 'number') throw new Error(`github revoker: ref.${key} missing in ${JSON.stringify(ref)}`);
  return value;
};

/** A 404 on a read: the object (and the access) is gone. */
const unlessNotFound = async <T>(work: Promise<T>): Promise<T | undefined> => {
  try {
    return await work;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
};

/** REST `permission` for a repository role name (custom roles are passed by name). */
const PERMISSION_OF_ROLE: Record<string, string> = { admin: 'admin', maintain: 'maintain', write: 'push', triage: 'triage', read: 'pull' };

/** Owners that must remain: demoting one of the last two would leave the org one mistake from no owner. */
export const MIN_OWNERS_KEPT = 2;

export const createGithubRevokers = (tuning: ClientTuning = {}): Revoker<GithubConfig>[] => {
  const clients = new WeakMap<GithubConfig, Map<string, GithubOctokit>>();
  const octokitFor = (config: GithubConfig, org: string, ctx: CollectContext): GithubOctokit => {
    let perOrg = clients.get(config);
    if (!perOrg) clients.set(config, (perOrg = new Map()));
    let octokit = perOrg.get(org);
    if (!octokit) perOrg.set(org, (octokit = createGithubClient(config, org, ctx, { ...tuning, forWrites: true }).octokit));
    return octokit;
  };

  const repoCollaborator: Revoker<GithubConfig> = {
    id: 'github-repo-collaborator',
    description: 'Remove a direct collaborator from a repository.',
    permissions: ['administration: write'],
    handles: (item) => item.entitlement?.ref?.kind === 'repo-collaborator',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, repo, login] = [str(ref, 'org'), str(ref, 'repo'), str(ref, 'login')];
      const collaborators = await unlessNotFound(
        octokitFor(config, org, ctx).paginate('GET /repos/{owner}/{repo}/collaborators', { owner: org, repo, affiliation: 'direct', per_page: 100 }),
      );
      const found = collaborators?.find((c) => c.login.toLowerCase() === login.toLowerCase());
      return found ? { kind: 'repo-collaborator', org, repo, login, role: found.role_name ?? str(ref, 'role') } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, repo, login] = [str(prior, 'org'), str(prior, 'repo'), str(prior, 'login')];
      await octokitFor(config, org, ctx).request('DELETE /repos/{owner}/{repo}/collaborators/{username}', { owner: org, repo, username: login });
    },
    async restore(prior, config, ctx) {
      const [org, repo, login, role] = [str(prior, 'org'), str(prior, 'repo'), str(prior, 'login'), str(prior, 'role')];
      await octokitFor(config, org, ctx).request('PUT /repos/{owner}/{repo}/collaborators/{username}', { owner: org, repo, username: login, permission: PERMISSION_OF_ROLE[role] ?? role });
    },
  };

  const orgOwner: Revoker<GithubConfig> = {
    id: 'github-org-owner',
    description: `Demote an organization owner to member (refused when only ${MIN_OWNERS_KEPT} owners are left).`,
    permissions: ['members: write'],
    handles: (item) => item.entitlement?.ref?.kind === 'org-owner',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, login] = [str(ref, 'org'), str(ref, 'login')];
      const owners = (await octokitFor(config, org, ctx).paginate('GET /orgs/{org}/members', { org, role: 'admin', per_page: 100 })).map((u) => u.login.toLowerCase());
      if (!owners.includes(login.toLowerCase())) return undefined;
      if (owners.length <= MIN_OWNERS_KEPT) throw new Error(`github: refusing to demote ${login}: ${org} has ${owners.length} owners and must keep at least ${MIN_OWNERS_KEPT}`);
      return { kind: 'org-owner', org, login, role: 'admin' };
    },
    async revoke(_item, prior, config, ctx) {
      const [org, login] = [str(prior, 'org'), str(prior, 'login')];
      await octokitFor(config, org, ctx).request('PUT /orgs/{org}/memberships/{username}', { org, username: login, role: 'member' });
    },
    async restore(prior, config, ctx) {
      const [org, login] = [str(prior, 'org'), str(prior, 'login')];
      await octokitFor(config, org, ctx).request('PUT /orgs/{org}/memberships/{username}', { org, username: login, role: 'admin' });
    },
  };

  const teamMembership: Revoker<GithubConfig> = {
    id: 'github-team-membership',
    description: 'Remove a user from the team that gives them access (the child team when they came through one).',
    permissions: ['members: write'],
    handles: (item) => item.entitlement?.ref?.kind === 'team-membership',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, team, login] = [str(ref, 'org'), str(ref, 'team'), str(ref, 'login')];
      const found = await unlessNotFound(octokitFor(config, org, ctx).request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: team, username: login }));
      return found && found.data.state !== 'pending' ? { kind: 'team-membership', org, team, login, role: found.data.role } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, team, login] = [str(prior, 'org'), str(prior, 'team'), str(prior, 'login')];
      await octokitFor(config, org, ctx).request('DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: team, username: login });
    },
    async restore(prior, config, ctx) {
      const [org, team, login] = [str(prior, 'org'), str(prior, 'team'), str(prior, 'login')];
      const role = prior.role === 'maintainer' ? 'maintainer' : 'member';
      await octokitFor(config, org, ctx).request('PUT /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: team, username: login, role });
    },
  };

  const orgRoleAssignment: Revoker<GithubConfig> = {
    id: 'github-org-role-assignment',
    description: 'Remove an organization role assigned directly to a user.',
    permissions: ['members: write'],
    handles: (item) => item.entitlement?.ref?.kind === 'org-role-user',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, login, roleId] = [str(ref, 'org'), str(ref, 'login'), num(ref, 'roleId')];
      const users = await unlessNotFound(octokitFor(config, org, ctx).paginate('GET /orgs/{org}/organization-roles/{role_id}/users', { org, role_id: roleId, per_page: 100 }));
      const direct = users?.find((u) => u.login.toLowerCase() === login.toLowerCase() && (u as { assignment?: string }).assignment !== 'indirect');
      return direct ? { kind: 'org-role-user', org, login, roleId, roleName: ref.roleName } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, login, roleId] = [str(prior, 'org'), str(prior, 'login'), num(prior, 'roleId')];
      await octokitFor(config, org, ctx).request('DELETE /orgs/{org}/organization-roles/users/{username}/{role_id}', { org, username: login, role_id: roleId });
    },
    async restore(prior, config, ctx) {
      const [org, login, roleId] = [str(prior, 'org'), str(prior, 'login'), num(prior, 'roleId')];
      await octokitFor(config, org, ctx).request('PUT /orgs/{org}/organization-roles/users/{username}/{role_id}', { org, username: login, role_id: roleId });
    },
  };

  const deployKey: Revoker<GithubConfig> = {
    id: 'github-deploy-key',
    description: 'Delete a deploy key (GitHub cannot disable one); its public key is read first so restore can add it back.',
    permissions: ['administration: write'],
    handles: (item) => item.credential?.ref?.kind === 'deploy-key',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, repo, keyId] = [str(ref, 'org'), str(ref, 'repo'), num(ref, 'keyId')];
      const found = await unlessNotFound(octokitFor(config, org, ctx).request('GET /repos/{owner}/{repo}/keys/{key_id}', { owner: org, repo, key_id: keyId }));
      return found ? { kind: 'deploy-key', org, repo, keyId, title: found.data.title, readOnly: found.data.read_only, publicKey: found.data.key } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, repo, keyId] = [str(prior, 'org'), str(prior, 'repo'), num(prior, 'keyId')];
      await octokitFor(config, org, ctx).request('DELETE /repos/{owner}/{repo}/keys/{key_id}', { owner: org, repo, key_id: keyId });
    },
    async restore(prior, config, ctx) {
      const [org, repo] = [str(prior, 'org'), str(prior, 'repo')];
      await octokitFor(config, org, ctx).request('POST /repos/{owner}/{repo}/keys', { owner: org, repo, title: str(prior, 'title'), key: str(prior, 'publicKey'), read_only: prior.readOnly === true });
    },
  };

  const fineGrainedToken: Revoker<GithubConfig> = {
    id: 'github-fine-grained-pat',
    description: "Revoke a fine-grained personal access token's access to the organization (not restorable: its owner must request access again).",
    permissions: ['organization_personal_access_tokens: write'],
    handles: (item) => item.credential?.ref?.kind === 'fine-grained-pat',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, patId] = [str(ref, 'org'), num(ref, 'patId')];
      const grants = await octokitFor(config, org, ctx).paginate('GET /orgs/{org}/personal-access-tokens', { org, per_page: 100 });
      return grants.some((grant) => grant.id === patId) ? { kind: 'fine-grained-pat', org, patId, tokenId: ref.tokenId, login: ref.login, restorable: false } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, patId] = [str(prior, 'org'), num(prior, 'patId')];
      await octokitFor(config, org, ctx).request('POST /orgs/{org}/personal-access-tokens/{pat_id}', { org, pat_id: patId, action: 'revoke' });
    },
  };

  const credentialAuthorization: Revoker<GithubConfig> = {
    id: 'github-credential-authorization',
    description: "Remove a credential's SAML single sign-on authorization for the organization (not restorable: its owner must authorize it again).",
    permissions: ['organization_administration: write'],
    handles: (item) => item.credential?.ref?.kind === 'credential-authorization',
    async read(item, config, ctx) {
      const ref = refOf(item);
      const [org, credentialId] = [str(ref, 'org'), num(ref, 'credentialId')];
      const authorizations = (await octokitFor(config, org, ctx).paginate('GET /orgs/{org}/credential-authorizations', { org, per_page: 100 })) as { credential_id: number }[];
      return authorizations.some((auth) => auth.credential_id === credentialId) ? { kind: 'credential-authorization', org, credentialId, login: ref.login, restorable: false } : undefined;
    },
    async revoke(_item, prior, config, ctx) {
      const [org, credentialId] = [str(prior, 'org'), num(prior, 'credentialId')];
      await octokitFor(config, org, ctx).request('DELETE /orgs/{org}/credential-authorizations/{credential_id}', { org, credential_id: credentialId });
    },
  };

  return [repoCollaborator, orgOwner, teamMembership, orgRoleAssignment, deployKey, fineGrainedToken, credentialAuthorization];
};

export const githubRevokers = createGithubRevokers();
