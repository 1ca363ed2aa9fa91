import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { apiBaseUrl } from './client.ts';
import type { GithubConfig } from './schema.ts';

/** The root config types connector sections loosely (they are registered at run time). */
const githubOf = (config: unknown) => (config as { github?: GithubConfig }).github;

describe('github: config section', () => {
  it('is picked up by the config root with its defaults', () => {
    const config = parseConfig({ github: { orgs: ['acme'] } }, 'dutybound.yaml');
    expect(githubOf(config)).toEqual({ orgs: ['acme'], tokenEnv: 'GITHUB_TOKEN', includeArchived: false, excludeRepos: [], concurrency: 4, graphql: true, requestsPerMinute: 800, maxRateLimitWaitSeconds: 900, lastActivity: 'owners', lastActivityDays: 90 });
  });

  it('names the field and what was expected on bad input', () => {
    expect(() => parseConfig({ github: { orgs: [] } }, 'dutybound.yaml')).toThrow(/github\.orgs: Too small/);
    expect(() => parseConfig({ github: { orgs: ['acme'], concurrency: 0 } }, 'dutybound.yaml')).toThrow(/github\.concurrency/);
    expect(() => parseConfig({ github: { orgs: ['acme'], tokn: 'x' } }, 'dutybound.yaml')).toThrow(/github: Unrecognized key: "tokn"/);
    expect(() => parseConfig({ github: { orgs: ['acme'], app: { appId: 1, privateKeyFile: 'k.pem' } } }, 'dutybound.yaml')).toThrow(/github\.app\.installationId/);
  });

  it('takes the API root from the config, else $GITHUB_API_URL, else api.github.com', () => {
    const parsed = githubOf(parseConfig({ github: { orgs: ['acme'] } }, 'dutybound.yaml'))!;
    expect(apiBaseUrl(parsed, {})).toBe('https://api.github.com');
    expect(apiBaseUrl(parsed, { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).toBe('https://ghe.example.com/api/v3');
    expect(apiBaseUrl({ ...parsed, baseUrl: 'http://127.0.0.1:9' }, { GITHUB_API_URL: 'https://ghe.example.com/api/v3' })).toBe('http://127.0.0.1:9');
  });
});
