// Enforce against the fake GitHub: a team membership and a collaborator removed, nothing else
// in the organization changed; an owner among the last two refused. Writes unspaced here
// (the spacing GitHub asks for is the client's default; tests turn it off to stay fast).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGithub } from '../../connectors/github/collect.ts';
import { githubConnector } from '../../connectors/github/index.ts';
import { createGithubRevokers } from '../../connectors/github/revoke.ts';
import type { GithubConfig } from '../../connectors/github/schema.ts';
import type { CollectContext, PrivilegeConnector } from '../../connectors/types.ts';
import { runEnforce } from '../../src/commands/enforce.ts';
import type { System } from '../../src/model/index.ts';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from '../github/estate.ts';
import { captureIo } from './scenario.ts';

const NOW = '2026-01-01T00:00:00Z';
const tuning = { env: { GITHUB_TOKEN: 'test-token' }, retryAfterBaseMs: 5, spaceWrites: false };
const expired = (id: string, subject: string, resource: string, privilege: string) => ({
  id, subject, system: 'github', target: 'acme', resource, privilege, start: '2025-12-01T00:00:00Z', end: '2025-12-20T00:00:00Z', approver: 'lead@example.com', ticket: `T-${id}`,
});

let fake: GithubFake;
let dir: string;
beforeEach(async () => {
  fake = await startGithubFake(smallEstate(), { token: 'test-token' });
  dir = mkdtempSync(join(tmpdir(), 'dutybound-enforce-github-'));
  writeFileSync(join(dir, 'grants.yaml'), stringify([expired('G-frank', 'github:acme/frank', 'api', 'repo-admin'), expired('G-carol', 'github:acme/carol', 'api', 'repo-maintain'), expired('G-alice', 'github:acme/alice', '*', 'org-owner')]));
  writeFileSync(join(dir, 'dutybound.yaml'), stringify({ ledger: ['grants.yaml'], github: { orgs: ['acme'], baseUrl: fake.url, requestsPerMinute: 0 }, enforce: { enabled: true, auditLog: 'audit.jsonl' } }));
});
afterEach(() => fake.close());

describe('enforce on GitHub', () => {
  it('removes the team membership and the collaborator, refuses one of the last two owners, changes nothing else', async () => {
    const github = { ...githubConnector, collect: (config: GithubConfig, ctx: CollectContext) => collectGithub(config, ctx, tuning), revokers: createGithubRevokers(tuning) } as unknown as PrivilegeConnector;
    const before = structuredClone(fake.estate);
    const io = captureIo(dir);
    const result = await runEnforce({ config: join(dir, 'dutybound.yaml'), now: NOW, out: join(dir, 'out'), quiet: true, apply: true }, io, { connectors: new Map<System, PrivilegeConnector>([['github', github]]) });
    expect(result.actions.map((a) => [a.principal, a.revoker ?? '-', a.status]).sort()).toEqual([
      ['github:acme/alice', 'github-org-owner', 'refused'],
      ['github:acme/carol', 'github-repo-collaborator', 'verified'],
      ['github:acme/frank', 'github-team-membership', 'verified'],
    ]);
    expect(result.actions.find((a) => a.status === 'refused')!.reason).toBe('protected: github:acme/alice is one of the last 2 owners of acme');
    expect(result.exitCode).toBe(1);
    const expected = structuredClone(before);
    const org = expected.orgs[0]!;
    org.teams!.find((t) => t.slug === 'platform-oncall')!.members = [];
    org.repos!.find((r) => r.name === 'api')!.collaborators = org.repos!.find((r) => r.name === 'api')!.collaborators!.filter((c) => c.login !== 'carol');
    expect(fake.estate).toEqual(expected);
  });
});
