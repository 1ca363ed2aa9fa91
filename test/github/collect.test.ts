// The GitHub connector against the fake GitHub: what it finds, how it pages, and how it
// reports what it could not read.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGithub } from '../../connectors/github/collect.ts';
import { githubSchema } from '../../connectors/github/schema.ts';
import { silentLogger, type CollectContext } from '../../connectors/types.ts';
import type { Entitlement } from '../../src/model/index.ts';
import { startGithubFake, type GithubFake, type GithubFakeOptions } from '../../src/sim/github/fake.ts';
import { smallEstate } from './estate.ts';

const dir = mkdtempSync(join(tmpdir(), 'dutybound-github-'));
const ctx: CollectContext = { now: new Date('2026-01-01T00:00:00Z'), log: silentLogger, baseDir: dir };
const env = { GITHUB_TOKEN: 'test-token' };
const fast = { env, retryAfterBaseMs: 5 };
// No pacing against the fake (one test below checks it).
const configFor = (fake: GithubFake, extra: Record<string, unknown> = {}) => githubSchema.parse({ orgs: ['acme'], baseUrl: fake.url, requestsPerMinute: 0, ...extra });
const withFake = async <T>(options: GithubFakeOptions, run: (fake: GithubFake) => Promise<T>, estate = smallEstate()): Promise<T> => {
  const fake = await startGithubFake(estate, { token: 'test-token', ...options });
  try {
    return await run(fake);
  } finally {
    await fake.close();
  }
};
const find = (entitlements: Entitlement[], principal: string, resource: string, via?: string) =>
  entitlements.filter((e) => e.principal === `github:acme/${principal}` && e.resource === resource && (via === undefined || e.via === via));
const shape = (entitlements: Entitlement[]) => entitlements.map((e) => `${e.principal} ${e.resource} ${e.privilege} ${e.via}`);

let fake: GithubFake;
let rest: Awaited<ReturnType<typeof collectGithub>>;
let gql: Awaited<ReturnType<typeof collectGithub>>;
beforeAll(async () => {
  fake = await startGithubFake(smallEstate(), { token: 'test-token' });
  rest = await collectGithub(configFor(fake, { graphql: false }), ctx, fast);
  gql = await collectGithub(configFor(fake), ctx, fast);
});
afterAll(() => fake.close());

describe('GitHub collection', () => {
  it('covers the org completely, with notes rather than errors', () => {
    expect(rest.coverage).toEqual([{ system: 'github', target: 'acme', status: 'ok', notes: [expect.stringMatching(/SAML identities are read with GraphQL/)] }]);
    expect(gql.coverage).toEqual([{ system: 'github', target: 'acme', status: 'ok', notes: ['emails of 3 logins from SAML identities'] }]);
  });

  it('finds the owners and the pending owner invitation', () => {
    const owners = rest.entitlements.filter((e) => e.privilege === 'org-owner');
    expect(owners.map((e) => `${e.principal} ${e.via}`)).toEqual(['github:acme/alice direct', 'github:acme/bob direct', 'github:acme/newowner invitation']);
    expect(owners.every((e) => e.privileged && e.level === 'admin' && e.resource === '*')).toBe(true);
    expect(owners[0]!.ref).toEqual({ org: 'acme', kind: 'org-owner', login: 'alice' });
  });

  it('tells maintain (privileged) from write (not) and names custom repository roles', () => {
    const [carol] = find(rest.entitlements, 'carol', 'api', 'direct');
    expect(carol).toMatchObject({ privilege: 'repo-maintain', level: 'write', privileged: true, ref: { kind: 'repo-collaborator', repo: 'api', login: 'carol', role: 'maintain' } });
    const [dave] = find(rest.entitlements, 'dave', 'api', 'direct');
    expect(dave).toMatchObject({ privilege: 'repo-write', level: 'write', privileged: false });
    expect(find(rest.entitlements, 'carol', 'web', 'direct')[0]).toMatchObject({ privilege: 'repo-role/security-reviewer', level: 'write', privileged: false });
  });

  it('finds admin inherited through a team, and through a child team', () => {
    for (const result of [rest, gql]) {
      expect(find(result.entitlements, 'erin', 'api', 'team/platform')[0]).toMatchObject({ privilege: 'repo-admin', level: 'admin', privileged: true, ref: { kind: 'team-membership', team: 'platform', login: 'erin', role: 'member' } });
      expect(find(result.entitlements, 'dave', 'api', 'team/platform')[0]!.ref).toMatchObject({ team: 'platform', role: 'maintainer' });
      // frank is in platform-oncall, a child of platform: removing him from the child removes the path.
      expect(find(result.entitlements, 'frank', 'api', 'team/platform')[0]).toMatchObject({ privilege: 'repo-admin', ref: { team: 'platform-oncall', viaTeam: 'platform' } });
    }
  });

  it('skips archived repositories unless asked', async () => {
    for (const result of [rest, gql]) {
      expect(result.entitlements.filter((e) => e.resource === 'old')).toEqual([]);
      expect(result.credentials.filter((c) => c.id.includes('/old/'))).toEqual([]);
    }
    const withArchived = await collectGithub(configFor(fake, { includeArchived: true }), ctx, fast);
    expect(find(withArchived.entitlements, 'frank', 'old', 'direct')[0]).toMatchObject({ privilege: 'repo-admin', privileged: true });
    expect(find(withArchived.entitlements, 'grace', 'old', 'team/docs')[0]).toMatchObject({ privilege: 'repo-admin' });
    expect(withArchived.credentials.map((c) => c.id)).toContain('github:acme/old/deploy-key/13');
    const excluded = await collectGithub(configFor(fake, { excludeRepos: ['ap*', 'acme/lib'] }), ctx, fast);
    expect(new Set(excluded.entitlements.map((e) => e.resource))).toEqual(new Set(['*', 'web']));
    expect(excluded.credentials.filter((c) => /acme\/(api|lib)\//.test(c.id))).toEqual([]);
  });

  it('marks outside collaborators external, and reads 2FA status', () => {
    const vendor = rest.principals.find((p) => p.id === 'github:acme/vendor-v');
    expect(vendor).toMatchObject({ external: true, mfa: false, human: true });
    expect(find(rest.entitlements, 'vendor-v', 'api')[0]).toMatchObject({ privilege: 'repo-admin', privileged: true });
    // An outside collaborator who can push is privileged; a member with write is not.
    expect(find(rest.entitlements, 'vendor-w', 'web')[0]).toMatchObject({ privilege: 'repo-write', level: 'write', privileged: true });
    expect(find(rest.entitlements, 'erin', 'web', 'direct')[0]).toMatchObject({ privilege: 'repo-write', privileged: false });
    expect(rest.principals.find((p) => p.id === 'github:acme/vendor-w')).toMatchObject({ external: true, mfa: true });
    expect(rest.principals.find((p) => p.id === 'github:acme/carol')?.mfa).toBe(false);
    expect(rest.principals.find((p) => p.id === 'github:acme/alice')?.mfa).toBe(true);
  });

  it('reads organization roles, direct and through teams', () => {
    const roles = rest.entitlements.filter((e) => e.privilege.startsWith('org-role/'));
    expect(roles.map((e) => `${e.principal} ${e.privilege} ${e.via}`)).toEqual(['github:acme/erin org-role/all_repo_admin direct', 'github:acme/grace org-role/all_repo_admin team/docs']);
    expect(roles[0]).toMatchObject({ level: 'admin', privileged: true, ref: { kind: 'org-role-user', roleId: 8132, login: 'erin' } });
    expect(roles[1]!.ref).toMatchObject({ kind: 'team-membership', team: 'docs', login: 'grace' });
  });

  it('lists deploy keys, secrets, fine-grained tokens and SAML authorizations, without values', () => {
    const byId = new Map(rest.credentials.map((c) => [c.id, c]));
    expect(byId.get('github:acme/api/deploy-key/11')).toMatchObject({ kind: 'deploy-key', privileged: true, lastUsedAt: null, createdAt: '2024-01-10T00:00:00.000Z', status: 'active' });
    expect(byId.get('github:acme/api/deploy-key/12')).toMatchObject({ privileged: false, lastUsedAt: '2025-12-30T08:00:00.000Z' });
    const secret = byId.get('github:acme/api/actions-secret/DEPLOY_TOKEN')!;
    expect(secret).toMatchObject({ kind: 'actions-secret', createdAt: '2023-05-01T00:00:00.000Z', rotatedAt: '2024-02-01T00:00:00.000Z' });
    expect('lastUsedAt' in secret).toBe(false);
    expect(byId.get('github:acme/api/environment/production/actions-secret/PROD_DB_PASSWORD')).toMatchObject({ kind: 'actions-secret', ref: { scope: 'environment', environment: 'production' } });
    expect(byId.get('github:acme/web/dependabot-secret/REGISTRY_TOKEN')?.kind).toBe('dependabot-secret');
    expect(byId.get('github:acme/actions-secret/NPM_TOKEN')?.ref).toMatchObject({ scope: 'org', visibility: 'all' });
    expect(byId.get('github:acme/dependabot-secret/ORG_REGISTRY')?.kind).toBe('dependabot-secret');
    expect(byId.get('github:acme/fine-grained-pat/101')).toMatchObject({ principal: 'github:acme/dave', expiresAt: '2026-02-01T00:00:00.000Z', lastUsedAt: '2025-12-01T00:00:00.000Z', status: 'active', privileged: true });
    expect(byId.get('github:acme/fine-grained-pat/102')).toMatchObject({ status: 'inactive', lastUsedAt: null, privileged: false });
    expect(byId.get('github:acme/credential-authorization/7002')).toMatchObject({ kind: 'saml-authorization', principal: 'github:acme/bob', lastUsedAt: null, name: 'SSH key' });
    expect(rest.credentials.map((c) => c.id)).toEqual([...rest.credentials.map((c) => c.id)].sort());
  });

  it("reads owners' last activity from the audit log: one request each, null when none in the window", async () => {
    const lastUsed = (result: typeof rest, login: string) => result.principals.find((p) => p.id === `github:acme/${login}`)?.lastUsedAt;
    expect(lastUsed(rest, 'alice')).toBe('2025-12-30T09:00:00.000Z');
    expect(lastUsed(rest, 'bob')).toBeNull(); // last event 2025-08-01: older than the 90-day window
    expect(rest.principals.find((p) => p.id === 'github:acme/carol')).not.toHaveProperty('lastUsedAt');
    await withFake({}, async (audited) => {
      const result = await collectGithub(configFor(audited, { lastActivity: 'privileged', lastActivityDays: 180 }), ctx, fast);
      expect(lastUsed(result, 'bob')).toBe('2025-08-01T09:00:00.000Z');
      expect(lastUsed(result, 'carol')).toBeNull(); // privileged (maintain on api), no audit event
      expect(result.principals.find((p) => p.id === 'github:acme/newowner')).not.toHaveProperty('lastUsedAt');
      expect(audited.calls.byOperation.get('GET /orgs/{org}/audit-log')).toBe(9); // alice bob carol dave erin frank grace vendor-v vendor-w: not the invitee
    });
  });

  it('reports app installations (report-only) and links SAML emails', () => {
    const app = gql.entitlements.find((e) => e.principal === 'github:acme/app/deploy-bot');
    expect(app).toMatchObject({ privilege: 'app-installation', level: 'write', privileged: true });
    expect(gql.entitlements.find((e) => e.principal === 'github:acme/app/dutybound')?.privileged).toBe(false);
    expect(gql.principals.find((p) => p.id === 'github:acme/app/deploy-bot')).toMatchObject({ kind: 'app', human: false });
    expect(gql.principals.find((p) => p.id === 'github:acme/alice')?.email).toBe('alice@acme.example');
    expect(rest.principals.find((p) => p.id === 'github:acme/alice')?.email).toBeUndefined();
  });

  it('gives the same inventory bytes for the same estate', async () => {
    const again = await collectGithub(configFor(fake), ctx, fast);
    const bytes = (r: typeof gql) => JSON.stringify({ coverage: r.coverage, principals: r.principals, entitlements: r.entitlements, credentials: r.credentials });
    expect(bytes(again)).toBe(bytes(gql));
  });

  it('finds the same paths with GraphQL batching as with REST, custom roles included, in fewer requests', () => {
    expect(shape(gql.entitlements)).toEqual(shape(rest.entitlements));
    expect(gql.entitlements.map((e) => [e.level, e.privileged])).toEqual(rest.entitlements.map((e) => [e.level, e.privileged]));
    expect(gql.credentials.map((c) => c.id)).toEqual(rest.credentials.map((c) => c.id));
    expect(gql.stats.acme!.quota.core).toBeLessThan(rest.stats.acme!.quota.core);
  });
});

describe('GitHub collection: paging, limits and partial coverage', () => {
  it('follows Link pages: two items per page gives the same inventory', async () => {
    await withFake({}, async (paged) => {
      const result = await collectGithub(configFor(paged, { graphql: false }), ctx, { ...fast, pageSize: 2 });
      expect(shape(result.entitlements)).toEqual(shape(rest.entitlements));
      expect(result.principals.map((p) => p.id)).toEqual(rest.principals.map((p) => p.id));
      expect(paged.calls.byOperation.get('GET /orgs/{org}/members')).toBe(4 + 1 + 1); // all (7 → 4 pages), admins (1), 2FA (1)
    });
  });

  it('pages GraphQL too, and reads over REST what a batch could not hold (more collaborators, members or environments than a page)', async () => {
    await withFake({}, async (paged) => {
      const result = await collectGithub(configFor(paged), ctx, { ...fast, pageSize: 2 });
      expect(shape(result.entitlements)).toEqual(shape(gql.entitlements));
      expect(result.credentials.map((c) => c.id)).toEqual(gql.credentials.map((c) => c.id));
      expect(result.principals.filter((p) => p.email).map((p) => p.email)).toEqual(['alice@acme.example', 'bob@acme.example', 'carol@acme.example']);
      expect(paged.calls.byOperation.get('graphql DutyboundRepositories')).toBe(2); // 3 live repositories, 2 a page
      expect(paged.calls.byOperation.get('GET /repos/{owner}/{repo}/collaborators')).toBe(4); // api and web: 3 collaborators each, two pages of 2
      expect(paged.calls.byOperation.get('GET /orgs/{org}/teams/{team_slug}/repos')).toBe(2); // docs only: 3 repositories, two pages of 2
    });
  });

  it('recovers from secondary rate limits and server errors mid-scan without losing a page', async () => {
    await withFake({ faults: { secondaryAt: [4, 9, 15, 22], retryAfterSeconds: 1, serverErrorAt: [12, 30] } }, async (limited) => {
      const result = await collectGithub(configFor(limited, { graphql: false }), ctx, { ...fast, pageSize: 2 });
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(shape(result.entitlements)).toEqual(shape(rest.entitlements));
      expect(result.credentials.map((c) => c.id)).toEqual(rest.credentials.map((c) => c.id));
      expect(result.stats.acme!.secondaryLimits).toBe(4);
      expect(limited.calls.byOperation.get('secondary-rate-limit')).toBe(4);
      expect(limited.calls.byOperation.get('server-error')).toBe(2);
    });
  });

  it('marks the org partial, with the reason, when an endpoint is denied; the rest is still read', async () => {
    await withFake({ faults: { deny: [/^GET \/repos\/acme\/[^/]+\/actions\/secrets$/, /personal-access-tokens/] } }, async (denied) => {
      const result = await collectGithub(configFor(denied), ctx, fast);
      expect(result.coverage[0]!.status).toBe('partial');
      expect(result.coverage[0]!.error).toBe(
        'fine-grained personal access tokens: 403 Resource not accessible by integration (needs organization_personal_access_tokens=read); repository Actions secrets: 403 Resource not accessible by integration (needs secrets=read) (3, e.g. acme/api, acme/lib, acme/web)',
      );
      expect(result.entitlements.filter((e) => e.privilege === 'org-owner')).toHaveLength(3);
      expect(result.credentials.some((c) => c.kind === 'fine-grained-pat')).toBe(false);
      expect(result.credentials.some((c) => c.id === 'github:acme/api/deploy-key/11')).toBe(true);
    });
  });

  it('still tells outside collaborators apart when their list is refused (not members)', async () => {
    await withFake({ faults: { deny: [/outside_collaborators/] } }, async (denied) => {
      const result = await collectGithub(configFor(denied), ctx, fast);
      expect(result.coverage[0]).toMatchObject({ status: 'partial', error: 'outside collaborators: 403 Resource not accessible by integration (needs members=read)' });
      expect(result.principals.filter((p) => p.external).map((p) => p.id)).toEqual(['github:acme/vendor-v', 'github:acme/vendor-w']);
      expect(find(result.entitlements, 'vendor-w', 'web')[0]).toMatchObject({ privileged: true });
    });
  });

  it('reports a spent primary limit as partial instead of waiting past maxRateLimitWaitSeconds', async () => {
    await withFake({ coreLimit: 16 }, async (limited) => {
      const warnings: string[] = [];
      const log = { ...silentLogger, warn: (message: string) => warnings.push(message) };
      const result = await collectGithub(configFor(limited, { graphql: false, maxRateLimitWaitSeconds: 0 }), { ...ctx, log }, fast);
      expect(warnings).toContainEqual(expect.stringMatching(/^github acme: about 18 requests needed for 3 repositories, \d+ left in this rate-limit window/));
      expect(result.coverage[0]!.status).toBe('partial');
      expect(result.coverage[0]!.error).toMatch(/rate limit exhausted \(resets at \d{4}-/);
      // Once spent, no more requests hammer the API.
      expect(limited.calls.byOperation.get('primary-rate-limit')).toBeLessThanOrEqual(3);
    });
  });

  it('reads over REST what GraphQL could not once its own limit is spent (REST quota is separate)', async () => {
    await withFake({ graphqlLimit: 1 }, async (limited) => {
      const result = await collectGithub(configFor(limited, { maxRateLimitWaitSeconds: 0 }), ctx, fast);
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(result.coverage[0]!.notes).toContainEqual(expect.stringMatching(/^teams: GraphQL batching failed \(rate limit exhausted \(resets at /));
      expect(limited.calls.byOperation.get('graphql-rate-limit')).toBe(1); // then no more GraphQL requests
      expect(shape(result.entitlements)).toEqual(shape(gql.entitlements));
    });
  });

  it('waits for the primary limit to reset (x-ratelimit-reset) and completes', async () => {
    await withFake({ coreLimit: 20, resetSeconds: 1, primaryStatus: 429 }, async (limited) => {
      const result = await collectGithub(configFor(limited, { graphql: false }), ctx, { env, retryAfterBaseMs: 1000 });
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(result.stats.acme!.primaryLimits).toBeGreaterThan(0);
      expect(shape(result.entitlements)).toEqual(shape(rest.entitlements));
    });
  });

  it('paces requests to stay under the secondary limit (requestsPerMinute)', async () => {
    await withFake({}, async (paced) => {
      const result = await collectGithub(configFor(paced, { requestsPerMinute: 1200, lastActivity: 'off' }), ctx, fast);
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      const arrivals = [...paced.stats.arrivals].sort((a, b) => a - b);
      expect(arrivals.length).toBeGreaterThan(20);
      // One request every 50 ms: n requests span at least (n - 1) gaps, less one for the first one's transit.
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual((arrivals.length - 2) * 50);
    });
  });

  it('gives an unreadable org a failed row and still reads the others', async () => {
    const result = await collectGithub(configFor(fake, { orgs: ['ghost', 'acme'] }), ctx, fast);
    expect(result.coverage.map((c) => [c.target, c.status])).toEqual([
      ['ghost', 'failed'],
      ['acme', 'ok'],
    ]);
    expect(result.coverage[0]!.error).toMatch(/read organization ghost: 404/);
    expect(result.entitlements.length).toBe(gql.entitlements.length);
    const only = await collectGithub(configFor(fake, { orgs: ['ghost', 'acme'] }), { ...ctx, onlyTarget: 'acme' }, fast);
    expect(only.coverage.map((c) => c.target)).toEqual(['acme']);
  });

  it('turns Enterprise-Cloud-only endpoints absent elsewhere into notes, not failures', async () => {
    const estate = smallEstate();
    estate.orgs[0]!.enterpriseCloud = false;
    await withFake(
      {},
      async (plain) => {
        const result = await collectGithub(configFor(plain), ctx, fast);
        expect(result.coverage[0]).toMatchObject({ status: 'ok' });
        expect(result.coverage[0]!.notes).toEqual([
          'credential authorizations: not available (SAML single sign-on on GitHub Enterprise Cloud only)',
          'last activity: audit log not readable (404 Not Found; it exists on GitHub Enterprise Cloud only): last use of people unknown',
          'no SAML identity provider: logins are linked to people by the people file',
        ]);
        expect(result.principals.every((p) => !('lastUsedAt' in p))).toBe(true);
      },
      estate,
    );
  });

  it('falls back to REST when GraphQL is refused: a note, not a gap', async () => {
    await withFake({ faults: { deny: [/^POST \/graphql$/] } }, async (noGraphql) => {
      const result = await collectGithub(configFor(noGraphql), ctx, fast);
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(result.coverage[0]!.notes).toEqual([
        'SAML identities not readable (403 Resource not accessible by integration): logins are linked to people by the people file',
        'repositories: GraphQL batching failed (403 Resource not accessible by integration); read over REST instead',
        'teams: GraphQL batching failed (403 Resource not accessible by integration); read over REST instead',
      ]);
      expect(shape(result.entitlements)).toEqual(shape(rest.entitlements));
      expect(result.credentials.map((c) => c.id)).toEqual(rest.credentials.map((c) => c.id));
    });
  });

  it('infers how a user holds an organization role from its team assignments when the server does not say', async () => {
    await withFake({ orgRoleUsersWithoutAssignment: true }, async (older) => {
      const result = await collectGithub(configFor(older), ctx, fast);
      const roles = result.entitlements.filter((e) => e.privilege.startsWith('org-role/'));
      expect(roles.map((e) => `${e.principal} ${e.via} ${(e.ref as { kind: string }).kind}`)).toEqual([
        'github:acme/erin direct org-role-user',
        'github:acme/grace team/docs team-membership',
      ]);
      expect(older.calls.byOperation.get('GET /orgs/{org}/organization-roles/{role_id}/teams')).toBe(1);
    });
  });

  it('gives every member the base permission when it is write or admin', async () => {
    const estate = smallEstate();
    estate.orgs[0]!.defaultRepositoryPermission = 'admin';
    await withFake(
      {},
      async (open) => {
        const result = await collectGithub(configFor(open), ctx, fast);
        const base = result.entitlements.filter((e) => e.via === 'org-base-permission');
        expect(base.map((e) => e.principal)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'].map((login) => `github:acme/${login}`));
        expect(base[0]).toMatchObject({ resource: '*', privilege: 'repo-admin', level: 'admin', privileged: true });
      },
      estate,
    );
  });

  it('sends conditional requests with ETags kept between scans: unchanged lists cost no quota', async () => {
    await withFake({}, async (cached) => {
      const config = configFor(cached, { etagCacheFile: 'etags.json' });
      const first = await collectGithub(config, ctx, fast);
      const second = await collectGithub(config, ctx, fast);
      expect(second.stats.acme!.notModified).toBeGreaterThan(10);
      expect(second.stats.acme!.quota.core).toBeLessThan(first.stats.acme!.quota.core / 4);
      expect(shape(second.entitlements)).toEqual(shape(first.entitlements));
      expect(second.credentials).toEqual(first.credentials);
    });
  });

  it('authenticates as a GitHub App installation', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    writeFileSync(join(dir, 'app.pem'), privateKey);
    await withFake({}, async (appFake) => {
      const config = configFor(appFake, { app: { appId: 11, privateKeyFile: 'app.pem', installationId: { acme: 1 } } });
      const result = await collectGithub(config, ctx, { retryAfterBaseMs: 5, env: {} });
      expect(result.coverage[0]).toMatchObject({ status: 'ok' });
      expect(appFake.stats.tokensIssued).toBe(1);
    });
  });

  it('reports an aborted collection as failed, never as clean', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await collectGithub(configFor(fake), { ...ctx, signal: controller.signal }, fast);
    expect(result.coverage).toEqual([{ system: 'github', target: 'acme', status: 'failed', error: 'collection aborted' }]);
    expect(result.entitlements).toEqual([]);
  });

  it('refuses to start without credentials (a config error)', async () => {
    await expect(collectGithub(configFor(fake), ctx, { env: {} })).rejects.toThrow(/GITHUB_TOKEN is not set/);
  });
});
