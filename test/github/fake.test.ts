// The fake GitHub answers with the shapes of GitHub's official OpenAPI description, pages with
// `Link`, sends rate-limit headers, limits (primary and secondary) and 304s like GitHub does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from './estate.ts';
import { OPERATIONS, definitionErrors, schemaErrors } from './openapi.ts';

let fake: GithubFake;
beforeAll(async () => {
  fake = await startGithubFake(smallEstate());
});
afterAll(() => fake.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${fake.url}${path}`, { headers: { authorization: 'token test', ...headers } });
  return { status: response.status, headers: response.headers, body: response.status === 304 ? undefined : ((await response.json()) as unknown) };
};

/** One concrete request per operation the fake serves (the schemas' keys). */
const SAMPLES: Record<string, string> = {
  'GET /orgs/{org} 200': '/orgs/acme',
  'GET /orgs/{org}/members 200': '/orgs/acme/members?role=admin',
  'GET /orgs/{org}/memberships/{username} 200': '/orgs/acme/memberships/alice',
  'GET /orgs/{org}/outside_collaborators 200': '/orgs/acme/outside_collaborators',
  'GET /orgs/{org}/invitations 200': '/orgs/acme/invitations',
  'GET /orgs/{org}/organization-roles 200': '/orgs/acme/organization-roles',
  'GET /orgs/{org}/organization-roles/{role_id}/users 200': '/orgs/acme/organization-roles/8132/users',
  'GET /orgs/{org}/organization-roles/{role_id}/teams 200': '/orgs/acme/organization-roles/8132/teams',
  'GET /orgs/{org}/repos 200': '/orgs/acme/repos',
  'GET /repos/{owner}/{repo}/collaborators 200': '/repos/acme/api/collaborators?affiliation=direct',
  'GET /orgs/{org}/teams 200': '/orgs/acme/teams',
  'GET /orgs/{org}/teams/{team_slug}/members 200': '/orgs/acme/teams/platform/members',
  'GET /orgs/{org}/teams/{team_slug}/repos 200': '/orgs/acme/teams/docs/repos',
  'GET /orgs/{org}/teams/{team_slug}/memberships/{username} 200': '/orgs/acme/teams/platform/memberships/dave',
  'GET /orgs/{org}/installations 200': '/orgs/acme/installations',
  'GET /repos/{owner}/{repo}/keys 200': '/repos/acme/api/keys',
  'GET /repos/{owner}/{repo}/keys/{key_id} 200': '/repos/acme/api/keys/11',
  'GET /orgs/{org}/actions/secrets 200': '/orgs/acme/actions/secrets',
  'GET /repos/{owner}/{repo}/actions/secrets 200': '/repos/acme/api/actions/secrets',
  'GET /repos/{owner}/{repo}/environments 200': '/repos/acme/api/environments',
  'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets 200': '/repos/acme/api/environments/production/secrets',
  'GET /orgs/{org}/dependabot/secrets 200': '/orgs/acme/dependabot/secrets',
  'GET /repos/{owner}/{repo}/dependabot/secrets 200': '/repos/acme/web/dependabot/secrets',
  'GET /orgs/{org}/personal-access-tokens 200': '/orgs/acme/personal-access-tokens',
  'GET /orgs/{org}/credential-authorizations 200': '/orgs/acme/credential-authorizations',
  'GET /orgs/{org}/audit-log 200': '/orgs/acme/audit-log?phrase=actor%3Aalice%20created%3A%3E%3D2025-10-01&per_page=1',
  'GET /rate_limit 200': '/rate_limit',
};

describe('fake GitHub', () => {
  it('answers every GET it serves with a body valid against the official response schema', async () => {
    const gets = OPERATIONS.filter((op) => op.startsWith('GET '));
    expect(gets.filter((op) => !(op in SAMPLES))).toEqual([]);
    for (const op of gets) {
      const { status, body } = await get(SAMPLES[op]!);
      expect(status, op).toBe(200);
      expect(Array.isArray(body) ? body.length : Object.keys(body as object).length, `${op} is not empty`).toBeGreaterThan(0);
      expect(schemaErrors(op, body), op).toEqual([]);
    }
  });

  it('answers the writes revokers send with valid bodies and changes the estate', async () => {
    const demote = await fetch(`${fake.url}/orgs/acme/memberships/bob`, { method: 'PUT', body: JSON.stringify({ role: 'member' }) });
    const membership = await demote.json();
    expect(schemaErrors('PUT /orgs/{org}/memberships/{username} 200', membership)).toEqual([]);
    expect(membership).toMatchObject({ role: 'member', user: { login: 'bob' } });
    const back = await fetch(`${fake.url}/orgs/acme/memberships/bob`, { method: 'PUT', body: JSON.stringify({ role: 'admin' }) });
    expect(((await back.json()) as { role: string }).role).toBe('admin');

    const team = await fetch(`${fake.url}/orgs/acme/teams/docs/memberships/dave`, { method: 'PUT', body: JSON.stringify({ role: 'maintainer' }) });
    expect(schemaErrors('PUT /orgs/{org}/teams/{team_slug}/memberships/{username} 200', await team.json())).toEqual([]);
    expect((await fetch(`${fake.url}/orgs/acme/teams/docs/memberships/dave`, { method: 'DELETE' })).status).toBe(204);

    const key = await fetch(`${fake.url}/repos/acme/lib/keys`, { method: 'POST', body: JSON.stringify({ title: 'k', key: 'ssh-ed25519 AAAA', read_only: true }) });
    expect(key.status).toBe(201);
    expect(schemaErrors('POST /repos/{owner}/{repo}/keys 201', await key.json())).toEqual([]);
    const token = await fetch(`${fake.url}/app/installations/1/access_tokens`, { method: 'POST' });
    expect(schemaErrors('POST /app/installations/{installation_id}/access_tokens 201', await token.json())).toEqual([]);
  });

  it('pages with Link headers GitHub-style', async () => {
    const first = await get('/orgs/acme/members?per_page=3');
    expect((first.body as { login: string }[]).map((u) => u.login)).toEqual(['alice', 'bob', 'carol']);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/<[^>]+page=2[^>]*>; rel="next"/);
    expect(link).toMatch(/<[^>]+page=3[^>]*>; rel="last"/);
    const next = link.match(/<([^>]+)>; rel="next"/)![1]!;
    const second = await fetch(next, { headers: { authorization: 'token test' } });
    expect(((await second.json()) as { login: string }[]).map((u) => u.login)).toEqual(['dave', 'erin', 'frank']);
    const last = await get('/orgs/acme/members?per_page=3&page=3');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    // Wrapped lists page their inner array.
    const secrets = await get('/orgs/acme/installations?per_page=1');
    expect(secrets.body).toMatchObject({ total_count: 2, installations: [{ app_slug: 'dutybound' }] });
  });

  it('sends x-ratelimit headers, and answers 304 to a matching If-None-Match without spending quota', async () => {
    const first = await get('/orgs/acme/teams');
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const again = await get('/orgs/acme/teams', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(Number(again.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect((await get('/orgs/acme/teams')).headers.get('x-ratelimit-remaining')).toBe(String(remaining - 1));
  });
});

describe('fake GitHub limits and faults', () => {
  it('answers the primary limit with 403 and x-ratelimit-remaining 0, and a secondary limit with retry-after', async () => {
    const limited = await startGithubFake(smallEstate(), { coreLimit: 2, faults: { secondaryAt: [4], retryAfterSeconds: 7 } });
    try {
      const call = () => fetch(`${limited.url}/orgs/acme`).then(async (r) => ({ status: r.status, headers: r.headers, body: (await r.json()) as { message: string } }));
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const third = await call();
      expect(third.status).toBe(403);
      expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(third.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect(schemaErrors('GET /orgs/{org} 200', third.body).length).toBeGreaterThan(0);
      expect(definitionErrors('basic-error', third.body)).toEqual([]);
      expect(definitionErrors('basic-error', { message: 42 })).not.toEqual([]);
      const fourth = await call();
      expect(fourth.status).toBe(403);
      expect(fourth.headers.get('retry-after')).toBe('7');
      expect(fourth.body.message).toMatch(/secondary rate limit/);
      expect(limited.calls.byOperation.get('secondary-rate-limit')).toBe(1);
      expect(limited.calls.byOperation.get('primary-rate-limit')).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('denies the endpoints named in the fault plan and counts calls per operation', async () => {
    const denied = await startGithubFake(smallEstate(), { faults: { deny: [/\/actions\/secrets$/] } });
    try {
      const response = await fetch(`${denied.url}/repos/acme/api/actions/secrets`);
      expect(response.status).toBe(403);
      const body = (await response.json()) as { message: string };
      expect(body.message).toBe('Resource not accessible by integration');
      expect(definitionErrors('basic-error', body)).toEqual([]);
      expect((await fetch(`${denied.url}/repos/acme/api/keys`)).status).toBe(200);
      expect(denied.calls.byOperation.get('GET /repos/{owner}/{repo}/keys')).toBe(1);
      const missing = await fetch(`${denied.url}/repos/acme/nope/keys`);
      expect(missing.status).toBe(404);
      expect(definitionErrors('basic-error', await missing.json())).toEqual([]);
    } finally {
      await denied.close();
    }
  });
});
