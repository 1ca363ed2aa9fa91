// Revokers remove exactly the entitlement or credential they are given, return what restore
// needs, and refuse to leave an org with fewer than two owners.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGithub } from '../../connectors/github/collect.ts';
import { githubPermissions } from '../../connectors/github/permissions.ts';
import { createGithubRevokers } from '../../connectors/github/revoke.ts';
import { githubSchema, type GithubConfig } from '../../connectors/github/schema.ts';
import { silentLogger, type CollectContext } from '../../connectors/types.ts';
import type { Credential, Entitlement } from '../../src/model/index.ts';
import { ACCEPTED_PERMISSIONS, startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from './estate.ts';
import { revokeVerified } from '../fixtures/revoke.ts';

const ctx: CollectContext = { now: new Date('2026-01-01T00:00:00Z'), log: silentLogger, baseDir: '/' };
const tuning = { env: { GITHUB_TOKEN: 'test-token' }, retryAfterBaseMs: 5, spaceWrites: false };
const revokers = createGithubRevokers(tuning);
const key = (e: Entitlement) => `${e.principal} ${e.resource} ${e.privilege} ${e.via}`;

let fake: GithubFake;
let config: GithubConfig;
const inventory = () => collectGithub(config, ctx, tuning);
const revokerFor = (item: { entitlement?: Entitlement; credential?: Credential }) => {
  const matching = revokers.filter((r) => r.handles(item));
  expect(matching).toHaveLength(1);
  return matching[0]!;
};

beforeEach(async () => {
  fake = await startGithubFake(smallEstate(), { token: 'test-token' });
  config = githubSchema.parse({ orgs: ['acme'], baseUrl: fake.url, requestsPerMinute: 0 });
});
afterEach(() => fake.close());

/** Revoke one entitlement: it (and nothing else) disappears; restore brings it back. */
const roundTrip = async (pick: (e: Entitlement) => boolean, revokerId: string) => {
  const before = await inventory();
  const target = before.entitlements.filter(pick);
  expect(target).toHaveLength(1);
  const revoker = revokerFor({ entitlement: target[0]! });
  expect(revoker.id).toBe(revokerId);
  const prior = await revokeVerified(revoker, { entitlement: target[0]! }, config, ctx);
  const after = await inventory();
  expect(before.entitlements.map(key).filter((k) => !after.entitlements.map(key).includes(k))).toEqual([key(target[0]!)]);
  await revoker.restore!(prior, config, ctx);
  expect((await inventory()).entitlements.map(key)).toEqual(before.entitlements.map(key));
  return prior;
};

describe('GitHub revokers', () => {
  it('removes a repository collaborator and restores their role', async () => {
    const prior = await roundTrip((e) => e.principal === 'github:acme/carol' && e.resource === 'api' && e.via === 'direct', 'github-repo-collaborator');
    expect(prior).toEqual({ kind: 'repo-collaborator', org: 'acme', repo: 'api', login: 'carol', role: 'maintain' });
    expect(fake.estate.orgs[0]!.repos![0]!.collaborators!.find((c) => c.login === 'carol')?.role).toBe('maintain');
  });

  it('removes a team membership (the child team for an inherited path) and restores its role', async () => {
    const prior = await roundTrip((e) => e.principal === 'github:acme/frank' && e.resource === 'api', 'github-team-membership');
    expect(prior).toEqual({ kind: 'team-membership', org: 'acme', team: 'platform-oncall', login: 'frank', role: 'member' });
    const maintainer = await roundTrip((e) => e.principal === 'github:acme/dave' && e.via === 'team/platform', 'github-team-membership');
    expect(maintainer.role).toBe('maintainer');
  });

  it('removes a direct organization role assignment', async () => {
    const prior = await roundTrip((e) => e.principal === 'github:acme/erin' && e.privilege === 'org-role/all_repo_admin', 'github-org-role-assignment');
    expect(prior).toMatchObject({ roleId: 8132, login: 'erin' });
  });

  it('demotes an owner when more than two remain, and refuses to go below two', async () => {
    const owner = (await inventory()).entitlements.find((e) => e.principal === 'github:acme/alice' && e.privilege === 'org-owner')!;
    const revoker = revokerFor({ entitlement: owner });
    await expect(revoker.read({ entitlement: owner }, config, ctx)).rejects.toThrow(/refusing to demote alice: acme has 2 owners/);
    expect(fake.estate.orgs[0]!.members.filter((m) => m.role === 'admin')).toHaveLength(2);

    fake.estate.orgs[0]!.members.find((m) => m.login === 'grace')!.role = 'admin';
    const prior = await roundTrip((e) => e.principal === 'github:acme/alice' && e.privilege === 'org-owner', 'github-org-owner');
    expect(prior).toEqual({ kind: 'org-owner', org: 'acme', login: 'alice', role: 'admin' });
  });

  it('deletes a deploy key, and restore adds the same public key back', async () => {
    const before = await inventory();
    const credential = before.credentials.find((c) => c.id === 'github:acme/api/deploy-key/11')!;
    const revoker = revokerFor({ credential });
    expect(revoker.id).toBe('github-deploy-key');
    const prior = await revokeVerified(revoker, { credential }, config, ctx);
    expect(prior).toMatchObject({ keyId: 11, title: 'ci-deploy', readOnly: false, publicKey: expect.stringMatching(/^ssh-ed25519 /) });
    const after = await inventory();
    expect(before.credentials.map((c) => c.id).filter((id) => !after.credentials.some((c) => c.id === id))).toEqual(['github:acme/api/deploy-key/11']);
    await revoker.restore!(prior, config, ctx);
    const restored = fake.estate.orgs[0]!.repos![0]!.deployKeys!.find((k) => k.title === 'ci-deploy');
    expect(restored).toMatchObject({ readOnly: false });
  });

  it('revokes a fine-grained token and a SAML credential authorization (not restorable)', async () => {
    const { credentials } = await inventory();
    for (const id of ['github:acme/fine-grained-pat/101', 'github:acme/credential-authorization/7001']) {
      const credential = credentials.find((c) => c.id === id)!;
      const revoker = revokerFor({ credential });
      expect(revoker.restore).toBeUndefined();
      expect(await revokeVerified(revoker, { credential }, config, ctx)).toMatchObject({ restorable: false });
    }
    const after = (await inventory()).credentials.map((c) => c.id);
    expect(after).not.toContain('github:acme/fine-grained-pat/101');
    expect(after).not.toContain('github:acme/credential-authorization/7001');
    expect(after).toContain('github:acme/fine-grained-pat/102');
  });

  it('handles nothing it cannot remove exactly (base permission, app installations, secrets)', async () => {
    const { entitlements, credentials } = await inventory();
    const unhandled = [
      ...entitlements.filter((e) => !revokers.some((r) => r.handles({ entitlement: e }))).map((e) => (e.ref as { kind: string }).kind),
      ...credentials.filter((c) => !revokers.some((r) => r.handles({ credential: c }))).map((c) => (c.ref as { kind: string }).kind),
    ];
    expect([...new Set(unhandled)].sort()).toEqual(['actions-secret', 'app-installation', 'dependabot-secret', 'org-invitation']);
  });

  it('declares the App permissions each revoker needs, printed by `dutybound permissions github`', () => {
    const document = githubPermissions();
    expect(document.format).toBe('json');
    const enforce = document.enforce as { default_permissions: Record<string, string>; revokers: Record<string, Record<string, string>> };
    expect(Object.keys(enforce.revokers).sort()).toEqual(revokers.map((r) => r.id).sort());
    expect(enforce.revokers['github-org-owner']).toEqual({ members: 'write' });
    expect(enforce.default_permissions).toMatchObject({ members: 'write', administration: 'write', organization_personal_access_tokens: 'write', metadata: 'read' });
    const scan = (document.scan as { default_permissions: Record<string, string> }).default_permissions;
    expect(Object.values(scan).every((level) => level === 'read')).toBe(true);
    // Every permission GitHub names for an endpoint the scan reads is in the scan document.
    for (const [, accepted] of ACCEPTED_PERMISSIONS) {
      const [name, level] = accepted.split('=') as [string, string];
      expect(scan[name], accepted).toBe(level);
    }
  });
});
