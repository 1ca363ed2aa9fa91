// GitHub under network faults: the org whose requests stall, reset, drip, stream without end
// or answer 500 fails within its deadlines; the other org is complete.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGithub } from '../../connectors/github/collect.ts';
import { githubSchema } from '../../connectors/github/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { startFaultProxy, type ProxiedRequest } from '../../src/sim/faults.ts';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from '../github/estate.ts';
import { FAULT_NETWORK, FAULT_SCAN_BOUND_MS, faultCases } from './cases.ts';

const twoOrgs = () => {
  const estate = smallEstate();
  return { ...estate, orgs: [estate.orgs[0]!, { ...structuredClone(estate.orgs[0]!), login: 'beta', id: 4343 }] };
};
/** Requests about org acme: REST paths under it, GraphQL queries naming it. */
const aboutAcme = (request: ProxiedRequest) => /\/(orgs|repos)\/acme(\/|$|\?)/.test(request.path) || request.body.includes('"org":"acme"');

let fake: GithubFake;
beforeAll(async () => {
  fake = await startGithubFake(twoOrgs(), { token: 'test-token' });
});
afterAll(() => fake.close());

describe('github under network faults', () => {
  it.each(faultCases(5))('$name: acme fails within its deadline, beta is complete', async ({ mode, after, error }) => {
    const proxy = await startFaultProxy(fake.url, { mode, after, affects: aboutAcme, dripMs: 50 });
    try {
      const config = githubSchema.parse({ orgs: ['acme', 'beta'], baseUrl: proxy.url, requestsPerMinute: 0 });
      const started = Date.now();
      const result = await collectGithub(config, { now: new Date('2026-01-01T00:00:00Z'), log: silentLogger, baseDir: mkdtempSync(join(tmpdir(), 'dutybound-gh-faults-')), network: FAULT_NETWORK }, { env: { GITHUB_TOKEN: 'test-token' }, retryAfterBaseMs: 5 });
      expect(Date.now() - started).toBeLessThan(FAULT_SCAN_BOUND_MS);
      expect(result.coverage.map((row) => [row.target, row.status])).toEqual([
        ['acme', 'failed'],
        ['beta', 'ok'],
      ]);
      expect(result.coverage[0]!.error).toMatch(error);
      expect(result.entitlements.some((entitlement) => entitlement.target === 'beta' && entitlement.privilege === 'org-owner')).toBe(true);
      expect(proxy.faulted).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
