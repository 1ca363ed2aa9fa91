// What every on-call API source (PagerDuty, Opsgenie, Grafana IRM) shares: the interface, the
// read window cut into the API's longest range, and one JSON GET that honours 429 and the
// rate-limit headers and whose errors never carry the token.
import type { z } from 'zod';
import pLimit from 'p-limit';
import { describeError, InputError, registerSecret, withoutSecrets } from '../src/errors.ts';
import type { Coverage, Shift } from '../src/model/index.ts';
import type { Logger } from './types.ts';
import { DEFAULT_NETWORK, readCapped, type NetworkSettings } from './network.ts';
import { parseIsoWithOffset } from '../src/model/time.ts';

export interface DutyWindow {
  start: Date;
  end: Date;
}

export interface DutyContext {
  now: Date;
  /** Shifts overlapping this window are read. */
  window: DutyWindow;
  env: NodeJS.ProcessEnv;
  log: Logger;
  signal?: AbortSignal;
  /** How a wait is done (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** The config's `network:` settings: request deadline, retries, body cap. */
  network?: NetworkSettings;
}

export interface DutyResult {
  shifts: Shift[];
  /** One row per configured name: system `schedule`, target `<source>:<name>`. */
  coverage: Coverage[];
}

export interface DutySource<Schema extends z.ZodType = z.ZodType> {
  id: 'pagerduty' | 'opsgenie' | 'grafana';
  title: string;
  /** The environment variable holding the token. */
  tokenEnv: string;
  configSchema: Schema;
  /** The names this section serves: what grants may name in `onCall`. */
  names(config: z.output<Schema>): string[];
  collect(config: z.output<Schema>, ctx: DutyContext): Promise<DutyResult>;
}

const DAY_MS = 86_400_000;

/** Consecutive windows of at most `maxDays` covering `window` (APIs cap the range of one query). */
export const splitWindow = (window: DutyWindow, maxDays: number): DutyWindow[] => {
  const parts: DutyWindow[] = [];
  for (let start = window.start.getTime(); start < window.end.getTime(); start += maxDays * DAY_MS)
    parts.push({ start: new Date(start), end: new Date(Math.min(start + maxDays * DAY_MS, window.end.getTime())) });
  return parts;
};

/** The coverage row of one configured name. */
export const dutyCoverage = (source: string, name: string, error?: string, notes?: string[]): Coverage => ({
  system: 'schedule',
  target: `${source}:${name}`,
  status: error === undefined ? 'ok' : 'failed',
  ...(error === undefined ? {} : { error }),
  ...(notes?.length ? { notes } : {}),
});

/** The token from its environment variable; a configured source without one is an input error (exit 2). */
export const tokenFrom = (env: NodeJS.ProcessEnv, name: string, source: string, what: string): string => {
  const token = env[name];
  if (!token) throw new InputError(`${source}: environment variable ${name} is not set (${what})`);
  registerSecret(token);
  return token;
};

/** What one schedule read gives: its shifts (without the name) and notes for its coverage row. */
export interface ScheduleRead {
  shifts: Omit<Shift, 'schedule'>[];
  notes: string[];
}

/**
 * Reads each configured schedule on its own (APIs that take one schedule a request): shifts under the
 * configured name, one coverage row per name; a schedule whose read fails is `failed`, none of its shifts kept.
 */
export const collectEachSchedule = async (
  source: string,
  schedules: Record<string, string>,
  read: (id: string) => Promise<ScheduleRead>,
  options: { concurrency: number; secrets: string[] },
): Promise<DutyResult> => {
  const limit = pLimit(options.concurrency);
  for (const secret of options.secrets) registerSecret(secret);
  const names = Object.keys(schedules).sort();
  const results = await Promise.all(
    names.map((name) =>
      limit(async () => {
        try {
          const { shifts, notes } = await read(schedules[name]!);
          return { shifts: shifts.map((shift) => ({ schedule: name, ...shift })), coverage: dutyCoverage(source, name, undefined, [...new Set(notes)]) };
        } catch (error) {
          return { shifts: [], coverage: dutyCoverage(source, name, `${source}: ${describeError(error)}`) };
        }
      }),
    ),
  );
  return { shifts: results.flatMap((result) => result.shifts), coverage: results.map((result) => result.coverage) };
};

export class DutyHttpError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'DutyHttpError';
    this.status = status;
  }
}

export interface HttpClientOptions {
  /** Sent with every request (the token among them): never printed. */
  headers: Record<string, string>;
  /** Values removed from every message (the token). */
  secrets: string[];
  log: Logger;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
  /** Retries of one request after a 429, a 5xx or a network error. */
  maxRetries?: number;
  /** The config's `network:` settings: the deadline, retries and body cap when not given above. */
  network?: NetworkSettings;
  /** A 429 asking for a longer wait fails the request instead of waiting. */
  maxWaitSeconds?: number;
  /** Stop before the budget the `ratelimit-remaining` header counts down is spent: pause once it is this low. */
  reserve?: number;
}

export interface HttpStats {
  requests: number;
  retries: number;
  throttled: number;
  waitedMs: number;
}

export interface HttpClient {
  getJson(url: URL): Promise<unknown>;
  stats: HttpStats;
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds to wait from `retry-after` (seconds or an HTTP date), else `ratelimit-reset` (seconds). */
export const waitSeconds = (headers: Headers, nowMs: number): number | undefined => {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, (at - nowMs) / 1000);
  }
  const reset = Number(headers.get('ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) ? Math.max(0, reset) : undefined;
};

/** What an error answer says, in one short line (JSON `error.message`, `message` or `detail`, and `errors`; else the text). */
const answerDetail = (text: string): string => {
  try {
    const body = JSON.parse(text) as { error?: { message?: string; errors?: string[] } | string; message?: string; detail?: string };
    const error = typeof body.error === 'string' ? { message: body.error } : body.error;
    const parts = [error?.message ?? body.message ?? body.detail, ...(Array.isArray(error?.errors) ? error.errors : [])].filter((part) => typeof part === 'string' && part);
    return parts.join(': ').slice(0, 300);
  } catch {
    return text.trim().slice(0, 200);
  }
};

export const createHttpClient = (options: HttpClientOptions): HttpClient => {
  const sleep = options.sleep ?? timer;
  const network = options.network ?? DEFAULT_NETWORK;
  const maxRetries = options.maxRetries ?? network.retries;
  const maxWaitMs = (options.maxWaitSeconds ?? 120) * 1000;
  const timeoutMs = options.timeoutMs ?? network.requestTimeoutSeconds * 1000;
  const maxBytes = network.maxResponseMegabytes * 1024 * 1024;
  const reserve = options.reserve ?? 0;
  const stats: HttpStats = { requests: 0, retries: 0, throttled: 0, waitedMs: 0 };
  // The token travels in a header; every message passes the one redaction of credentials dutybound holds.
  for (const secret of options.secrets) registerSecret(secret);
  let pausedUntilMs = 0;

  const wait = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    stats.waitedMs += ms;
    await sleep(ms);
  };
  const pauseFor = (ms: number): void => {
    pausedUntilMs = Math.max(pausedUntilMs, Date.now() + ms);
  };
  const noteBudget = (headers: Headers): void => {
    const remaining = Number(headers.get('ratelimit-remaining') ?? Number.NaN);
    const reset = waitSeconds(new Headers({ 'ratelimit-reset': headers.get('ratelimit-reset') ?? '' }), Date.now());
    if (Number.isFinite(remaining) && remaining <= reserve && reset !== undefined) pauseFor(reset * 1000);
  };
  const backoffMs = (attempt: number): number => Math.min(1000 * 2 ** attempt, 16_000);
  const where = (url: URL): string => `GET ${url.pathname}`;

  const getJson = async (url: URL): Promise<unknown> => {
    for (let attempt = 0; ; attempt += 1) {
      await wait(pausedUntilMs - Date.now());
      stats.requests += 1;
      let response: Response;
      try {
        const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
        response = await fetch(url, { headers: options.headers, signal });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        const message = timedOut ? `timed out after ${timeoutMs / 1000} s` : describeError(error);
        if (attempt >= maxRetries || options.signal?.aborted) throw new DutyHttpError(`${where(url)}: ${message}`);
        stats.retries += 1;
        await wait(backoffMs(attempt));
        continue;
      }
      noteBudget(response.headers);
      if (response.ok) {
        // Read up to the body cap under the same deadline: an endless answer fails, memory stays bounded.
        const body = await readCapped(response.body, maxBytes).catch((error: unknown) => {
          throw new DutyHttpError(`${where(url)}: ${describeError(error)}`);
        });
        return JSON.parse(body.toString('utf8')) as unknown;
      }
      const detail = withoutSecrets(answerDetail(await response.text()));
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < maxRetries) {
        // 429 says how long in ratelimit-reset or Retry-After; a 503 may say it in Retry-After.
        const asked = response.status === 429 || response.status === 503 ? waitSeconds(response.headers, Date.now()) : undefined;
        const delayMs = asked === undefined ? backoffMs(attempt) : asked * 1000;
        if (delayMs > maxWaitMs) throw new DutyHttpError(`${where(url)}: HTTP ${response.status}, asked to wait ${Math.ceil(delayMs / 1000)} s (more than ${maxWaitMs / 1000} s)`, response.status);
        if (response.status === 429) stats.throttled += 1;
        stats.retries += 1;
        options.log.debug(`${where(url)}: HTTP ${response.status}, retrying in ${Math.ceil(delayMs / 1000)} s`);
        // A 429 holds every request of this client, not only this one.
        if (response.status === 429) pauseFor(delayMs);
        else await wait(delayMs);
        continue;
      }
      throw new DutyHttpError(`${where(url)}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`, response.status);
    }
  };
  return { getJson, stats };
};

/** An API's time as ISO (`…Z`); a time without an offset is the API's fault, named with its endpoint. */
export const apiTime = (value: string, endpoint: string): string => {
  const instant = parseIsoWithOffset(value);
  if (!instant) throw new Error(`${endpoint}: unexpected time ${JSON.stringify(value)}`);
  return instant.toISOString();
};
