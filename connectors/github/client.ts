// One Octokit per organization: token or GitHub App installation auth, throttled and retried
// (honouring `retry-after` and `x-ratelimit-reset`), conditional requests with ETags, and
// counts of what the scan cost.
import { readFileSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { InputError, registerSecret, withoutSecrets } from '../../src/errors.ts';
import { isFinal, networkCause, readCapped, retryableStatus, TargetNetwork, type NetworkSettings } from '../network.ts';
import type { Logger } from '../types.ts';
import { resolvePath, type GithubConfig } from './schema.ts';

/**
 * Each attempt (the innermost hook, inside the retry and throttling plugins) under the org's
 * network bounds: admitted only while the retry budget lasts and the scan's deadline has not
 * passed; a cap, a spent budget or the deadline ends the request without a retry.
 */
const bounded = (octokit: Pick<InstanceType<typeof Octokit>, 'hook' | 'request'>, options: object) => {
  const net = (options as { network?: TargetNetwork }).network;
  if (!net) return;
  octokit.hook.wrap('request', async (request, options) => {
    net.admit();
    try {
      return await request(options);
    } catch (error) {
      const status = (error as { status?: number }).status;
      const final = networkCause(error);
      // Thrown as is (not a RequestError), so the retry plugin lets it through.
      if (final && isFinal(final)) throw final;
      if (status === undefined || retryableStatus(status)) {
        const retryCount = Number((options.request as { retryCount?: number }).retryCount ?? 0);
        const retries = retryCount < net.settings.retries && net.failures < net.settings.retryBudget;
        const { method, url } = octokit.request.endpoint(options);
        // Octokit gives a request that got no answer (reset, refused) status 500: only an answer has a status.
        const answered = (error as { response?: unknown }).response !== undefined;
        const reason = withoutSecrets(final?.message ?? (answered ? `HTTP ${status}` : (error as Error).message));
        net.failed(`${method} ${url.replace(/^https?:\/\/[^/]+/, '')}: ${reason}`, retries ? { inMs: (retryCount + 1) ** 2 * net.retryBaseMs } : undefined);
      }
      throw error;
    }
  });
};

const GithubOctokit = Octokit.plugin(bounded, throttling, retry);
export type GithubOctokit = InstanceType<typeof GithubOctokit>;

export interface ClientTuning {
  /** Milliseconds per second of `retry-after` / reset wait (tests make it small). Default 1000. */
  retryAfterBaseMs?: number;
  /** Items per page (GitHub's maximum, 100, by default). */
  pageSize?: number;
  env?: NodeJS.ProcessEnv;
  /** Space writes one second apart, as GitHub asks (default true; tests against the fake turn it off). */
  spaceWrites?: boolean;
}

export interface ClientStats {
  /** HTTP requests sent (retries included). */
  requests: number;
  /** Requests that cost primary quota, per resource (`core`, `graphql`): 304s are free. */
  quota: { core: number; graphql: number };
  notModified: number;
  secondaryLimits: number;
  primaryLimits: number;
  /** Remaining quota after the last answer, per resource. */
  remaining: Partial<Record<string, number>>;
}

/** Thrown instead of sending more requests once the primary limit is spent and waiting is not allowed. */
export class RateLimitExhausted extends Error {
  readonly resetAt: string;
  constructor(resetAt: string) {
    super(`rate limit exhausted (resets at ${resetAt})`);
    this.name = 'RateLimitExhausted';
    this.resetAt = resetAt;
  }
}

export interface EtagEntry {
  etag: string;
  data: unknown;
  link?: string;
}

/** ETags kept between requests (and, with `etagCacheFile`, between scans). */
export class EtagCache {
  readonly entries = new Map<string, EtagEntry>();
  private readonly file: string | undefined;
  constructor(file?: string) {
    this.file = file;
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, EtagEntry>;
        for (const [key, entry] of Object.entries(saved)) this.entries.set(key, entry);
      } catch {
        // No cache yet (or an unreadable one): start empty.
      }
    }
  }
  async save(): Promise<void> {
    if (!this.file) return;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(this.file, JSON.stringify(Object.fromEntries(this.entries)));
  }
}

export const apiBaseUrl = (config: GithubConfig, env: NodeJS.ProcessEnv = process.env): string =>
  (config.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');

const authOptions = (config: GithubConfig, org: string, baseDir: string, env: NodeJS.ProcessEnv) => {
  if (config.app) {
    const file = resolvePath(baseDir, config.app.privateKeyFile);
    let privateKey: string;
    try {
      privateKey = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(`github.app.privateKeyFile: cannot read ${file}`, [], { cause: error });
    }
    const installationId = typeof config.app.installationId === 'number' ? config.app.installationId : config.app.installationId[org];
    if (installationId === undefined) throw new InputError(`github.app.installationId: no installation id for org ${org}`);
    return { authStrategy: createAppAuth, auth: { appId: Number(config.app.appId), privateKey, installationId } };
  }
  const token = env[config.tokenEnv];
  if (!token) throw new InputError(`github: environment variable ${config.tokenEnv} is not set (a token, or configure github.app)`);
  registerSecret(token);
  return { auth: token };
};

/** Bottleneck-compatible group that does not space requests out (collection only reads). */
const unspaced = { key: () => ({ schedule: <T>(_options: unknown, task: () => Promise<T>) => task() }) } as unknown as NonNullable<
  NonNullable<ConstructorParameters<typeof GithubOctokit>[0]>['throttle']
>['write'];

let clientCounter = 0;

export interface GithubClient {
  octokit: GithubOctokit;
  stats: ClientStats;
  pageSize: number;
  /** The org's deadlines, retry budget and progress line. */
  net: TargetNetwork;
}

/**
 * fetch under one attempt's deadline (the scan's signal joins it), reading the whole answer up
 * to the body cap before Octokit parses it: a stalled, dripping or endless answer ends here.
 */
const boundedFetch =
  (net: TargetNetwork): typeof fetch =>
  async (input, init) => {
    const attempt = net.attempt();
    const signal = init?.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal;
    try {
      const response = await fetch(input, { ...init, signal });
      const body = await readCapped(response.body, net.maxBytes);
      const empty = [101, 204, 205, 304].includes(response.status);
      const read = new Response(empty ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
      // Pagination resolves the next page against the answer's URL.
      Object.defineProperty(read, 'url', { value: response.url });
      return read;
    } catch (error) {
      if (signal.aborted) throw net.abortError(attempt);
      throw error;
    }
  };

export const createGithubClient = (
  config: GithubConfig,
  org: string,
  context: { baseDir: string; log: Logger; signal?: AbortSignal; network?: NetworkSettings },
  tuning: ClientTuning & { etags?: EtagCache; forWrites?: boolean } = {},
): GithubClient => {
  const env = tuning.env ?? process.env;
  const base = tuning.retryAfterBaseMs ?? 1000;
  const net = new TargetNetwork(`github ${org}`, context.network, context.log, context.signal, base);
  const stats: ClientStats = { requests: 0, quota: { core: 0, graphql: 0 }, notModified: 0, secondaryLimits: 0, primaryLimits: 0, remaining: {} };
  /** Per rate-limit resource (REST `core`, `graphql`): when a spent limit resets, once the scan stopped waiting for it. */
  const exhaustedUntil: Partial<Record<'core' | 'graphql', string>> = {};
  const resourceOf = (url: string): 'core' | 'graphql' => (/\/graphql(\?|$)/.test(url) ? 'graphql' : 'core');
  clientCounter += 1;
  const octokit = new GithubOctokit({
    baseUrl: apiBaseUrl(config, env),
    userAgent: 'dutybound',
    request: { fetch: boundedFetch(net), ...(context.signal ? { signal: context.signal } : {}) },
    network: net,
    ...authOptions(config, org, context.baseDir, env),
    // Octokit logs every failed request; coverage reports what failed, so these are debug detail.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => context.log.debug(message), error: (message: string) => context.log.debug(message) },
    retry: { retryAfterBaseValue: base, retries: net.settings.retries },
    throttle: {
      id: `dutybound-${org}-${clientCounter}`,
      retryAfterBaseValue: base,
      // GraphQL queries are reads: no need for the one-second spacing Octokit applies to writes.
      ...(tuning.forWrites && tuning.spaceWrites !== false ? {} : { write: unspaced, notifications: unspaced }),
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        stats.primaryLimits += 1;
        if (retryAfter <= config.maxRateLimitWaitSeconds && retryCount < 2) {
          context.log.warn(`github ${org}: primary rate limit reached; waiting ${retryAfter} s for the reset (${options.method} ${options.url})`);
          return true;
        }
        exhaustedUntil[resourceOf(options.url)] = new Date(Date.now() + retryAfter * 1000).toISOString();
        return false;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        stats.secondaryLimits += 1;
        context.log.warn(`github ${org}: secondary rate limit; retrying after ${retryAfter} s (${options.method} ${options.url})`);
        return retryCount < 4;
      },
    },
  });

  // Proactive pacing: one request every `gapMs`, so a large scan stays under GitHub's
  // secondary limit (points per minute) instead of running into it and backing off.
  const gapMs = config.requestsPerMinute > 0 ? 60_000 / config.requestsPerMinute : 0;
  let nextSlot = 0;
  const pace = async () => {
    if (!gapMs) return;
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + gapMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };

  octokit.hook.wrap('request', async (request, options) => {
    const { method, url } = octokit.request.endpoint(options);
    const resource = resourceOf(url);
    const spent = exhaustedUntil[resource];
    if (spent) throw new RateLimitExhausted(spent);
    await pace();
    const key = method === 'GET' && tuning.etags ? url : undefined;
    const cached = key ? tuning.etags!.entries.get(key) : undefined;
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    stats.requests += 1;
    const observe = (headers: Record<string, string | number | undefined>) => {
      const remaining = headers['x-ratelimit-remaining'];
      if (remaining !== undefined) stats.remaining[String(headers['x-ratelimit-resource'] ?? resource)] = Number(remaining);
    };
    try {
      // Pagination rewrites `data` of wrapped lists in place: keep (and hand out) copies.
      const response = await request(options);
      stats.quota[resource] += 1;
      observe(response.headers);
      const etag = response.headers.etag;
      if (key && etag) tuning.etags!.entries.set(key, { etag, data: structuredClone(response.data), ...(response.headers.link ? { link: response.headers.link } : {}) });
      return response;
    } catch (error) {
      const status = (error as { status?: number }).status;
      const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
      observe(headers);
      if (status === 304 && cached) {
        stats.notModified += 1;
        return { status: 200, url, headers: { ...headers, ...(cached.link ? { link: cached.link } : {}) }, data: structuredClone(cached.data) } as Awaited<ReturnType<typeof request>>;
      }
      if (status !== undefined && status !== 304) stats.quota[resource] += 1;
      const nowSpent = exhaustedUntil[resource];
      if (nowSpent && (status === 403 || status === 429 || status === undefined)) throw new RateLimitExhausted(nowSpent);
      throw error;
    }
  });

  return { octokit, stats, pageSize: tuning.pageSize ?? 100, net };
};
