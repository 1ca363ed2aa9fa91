// The `github:` section of dutybound.yaml.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

export const githubAppSchema = z
  .object({
    appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).describe('The GitHub App id (the recommended way in: the only one that can list fine-grained tokens).'),
    privateKeyFile: z.string().min(1).describe("Path to the App's private key (PEM), relative to the config file."),
    installationId: z
      .union([z.number().int().positive(), z.record(z.string(), z.number().int().positive())])
      .describe('The installation id of the App, or a map org → installation id when the App is installed in several orgs.'),
  })
  .strict();

export const githubSchema = z
  .object({
    orgs: z.array(z.string().min(1)).min(1).describe('Organizations to scan (their logins).'),
    baseUrl: z
      .url()
      .optional()
      .describe('REST API root: GitHub Enterprise Server (https://ghe.example.com/api/v3) or a test server. Default: $GITHUB_API_URL, else https://api.github.com.'),
    tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('GITHUB_TOKEN').describe('Environment variable holding a token (used when `app` is not set).'),
    app: githubAppSchema.optional().describe('Authenticate as a GitHub App installation instead of a token.'),
    includeArchived: z.boolean().default(false).describe('Also scan archived repositories (read-only, so skipped by default).'),
    excludeRepos: z.array(z.string()).default([]).describe('Repository names or globs (`sandbox-*`, `acme/legacy`) never scanned.'),
    concurrency: z.number().int().min(1).max(20).default(4).describe('Requests in flight per organization (GitHub advises few concurrent requests).'),
    graphql: z.boolean().default(true).describe('Batch collaborators, teams, environments and deploy-key counts of 100 repositories per GraphQL request, and read SAML identities.'),
    requestsPerMinute: z
      .number()
      .int()
      .min(0)
      .default(800)
      .describe("Pace of requests per organization, kept under GitHub's secondary limit of 900 REST points a minute (0: no pacing, for test servers)."),
    maxRateLimitWaitSeconds: z
      .number()
      .int()
      .min(0)
      .default(900)
      .describe('Longest wait for the primary rate limit to reset; past it, the org is reported partial instead of waiting.'),
    lastActivity: z
      .enum(['off', 'owners', 'privileged'])
      .default('owners')
      .describe(
        "Read the latest audit-log event of each owner (or each human holding a privileged entitlement) as its last use: one request each (Enterprise Cloud; elsewhere a coverage note). No event in the window gives lastUsedAt null.",
      ),
    lastActivityDays: z.number().int().min(1).max(180).default(90).describe('How far back the audit log is searched for last activity.'),
    etagCacheFile: z
      .string()
      .optional()
      .describe('File keeping ETags between scans: unchanged lists are answered 304 and cost no rate-limit quota. Relative to the config file.'),
  })
  .strict()
  .describe('GitHub organizations: owners, roles, collaborators, teams, deploy keys, secrets and tokens.');

export type GithubConfig = z.output<typeof githubSchema>;

/** A path of this section, relative to the config file's directory (`~/` is the home directory). */
export const resolvePath = (baseDir: string, path: string): string => {
  const expanded = path.replace(/^~(?=\/)/, process.env.HOME ?? '~');
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
};
