// Deadlines, retry budgets and body caps for every remote call, shared by the connectors and
// the feed reader. Each connector applies them through its SDK's own mechanism (an AWS request
// handler, an Octokit request hook, undici request options, fetch); the rules live here once.
import { z } from 'zod';
import type { Logger } from './types.ts';

export const networkSchema = z
  .object({
    requestTimeoutSeconds: z
      .number()
      .positive()
      .max(3600, { error: 'at most 3600 (an hour per request)' })
      .default(30)
      .describe('Longest one request may take, from connecting to the last byte of its answer; past it the attempt fails (and may be retried).'),
    connectTimeoutSeconds: z.number().positive().max(600, { error: 'at most 600' }).default(10).describe('Longest wait for a connection to an AWS endpoint (elsewhere the request deadline bounds connecting too).'),
    retries: z.number().int().min(0).max(10).default(3).describe('Retries of one request after a timeout, a reset connection, a 5xx or a 429 (AWS throttling: aws.maxAttempts).'),
    retryDelaySeconds: z.number().min(0).max(600, { error: 'at most 600' }).default(1).describe('First wait before a retry; it doubles with each retry of the same request (a Retry-After header wins).'),
    retryBudget: z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Failed attempts one target (account, organization, cluster, feed) may spend; past it the target gives up and is reported failed or partial.'),
    maxResponseMegabytes: z
      .number()
      .positive()
      .default(100)
      .describe('Largest answer body read from any API or feed; a larger one fails its target (memory stays bounded whatever a server sends).'),
  })
  .strict()
  .prefault({})
  .describe('Deadlines, retries and size caps for every remote call (AWS, GitHub, Kubernetes, ICS feeds).');

export type NetworkSettings = z.output<typeof networkSchema>;

export const DEFAULT_NETWORK: NetworkSettings = networkSchema.parse({});

const seconds = (value: number): string => (Number.isInteger(value) ? `${value} s` : `${Math.round(value * 1000)} ms`);
export const maxResponseBytes = (settings: NetworkSettings): number => Math.floor(settings.maxResponseMegabytes * 1024 * 1024);

/** An answer larger than `network.maxResponseMegabytes`: never retried, the target fails with this message. */
export class ResponseTooLarge extends Error {
  constructor(limitBytes: number) {
    super(`answer body larger than the ${+(limitBytes / 1024 / 1024).toFixed(2)} MB cap (network.maxResponseMegabytes); reading stopped there`);
  }
}

/** One attempt ran past `network.requestTimeoutSeconds`. */
export class RequestTimedOut extends Error {
  constructor(timeoutSeconds: number) {
    super(`no complete answer within ${seconds(timeoutSeconds)} (network.requestTimeoutSeconds)`);
  }
}

/** The target spent `network.retryBudget` failed attempts: no more requests for it. */
export class RetryBudgetSpent extends Error {
  constructor(failures: number, last: string) {
    super(`gave up after ${failures} failed attempts (network.retryBudget); last: ${last}`);
  }
}

/** The whole scan ran past `--timeout`: every unfinished target fails with this. */
export class DeadlineExceeded extends Error {
  constructor(timeoutMs: number) {
    super(`deadline exceeded (--timeout ${seconds(timeoutMs / 1000)})`);
  }
}

/** Why `signal` was aborted, as the coverage error of what it stopped. */
export const abortMessage = (signal: AbortSignal | undefined): string => {
  const reason: unknown = signal?.reason;
  return reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'collection aborted';
};

/** A controller aborted with DeadlineExceeded after `timeoutMs` (0: never). `clear` stops the timer. */
export const scanDeadline = (timeoutMs: number): { signal: AbortSignal; clear(): void } => {
  const controller = new AbortController();
  if (!timeoutMs) return { signal: controller.signal, clear() {} };
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(timeoutMs)), timeoutMs);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};

/** The bytes of a body stream, stopping (and throwing ResponseTooLarge) past `maxBytes`. */
export const readCapped = async (body: AsyncIterable<Uint8Array> | null | undefined, maxBytes: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!body) return Buffer.alloc(0);
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      (body as { destroy?: () => void }).destroy?.();
      throw new ResponseTooLarge(maxBytes);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
};

/** HTTP statuses worth another attempt: throttling and server faults. */
export const retryableStatus = (status: number | undefined): boolean => status === 429 || (status !== undefined && status >= 500 && status <= 599);

const PROGRESS_EVERY_MS = 5_000;

/**
 * One target's share of the network: the deadline of each attempt, its budget of failed
 * attempts, and its progress lines (started, requests, retries, done).
 */
export class TargetNetwork {
  readonly label: string;
  readonly settings: NetworkSettings;
  private readonly log: Logger;
  private readonly scanSignal: AbortSignal | undefined;
  requests = 0;
  failures = 0;
  private lastFailure = '';
  private readonly startedAt = Date.now();
  private lastProgress = Date.now();

  /** Milliseconds a retry delay in seconds stands for (an SDK's own backoff unit; tests make it small). */
  readonly retryBaseMs: number;

  constructor(label: string, settings: NetworkSettings = DEFAULT_NETWORK, log?: Logger, scanSignal?: AbortSignal, retryBaseMs = 1000) {
    this.label = label;
    this.settings = settings;
    this.retryBaseMs = retryBaseMs;
    this.log = log ?? { info() {}, warn() {}, debug() {} };
    this.scanSignal = scanSignal;
  }

  /** The retry budget is spent: the target stopped short. */
  get gaveUp(): boolean {
    return this.failures > this.settings.retryBudget;
  }

  get maxBytes(): number {
    return maxResponseBytes(this.settings);
  }

  started(): void {
    this.log.progress?.(`${this.label}: started`);
  }

  done(outcome = 'done'): void {
    this.log.progress?.(`${this.label}: ${outcome} after ${this.requests} requests in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`);
  }

  /** Throws when no more attempts may be sent: the scan's deadline passed, or the retry budget is spent. */
  admit(): void {
    if (this.scanSignal?.aborted) throw this.deadlineError();
    if (this.failures > this.settings.retryBudget) throw new RetryBudgetSpent(this.failures, this.lastFailure);
    this.requests += 1;
    if (Date.now() - this.lastProgress >= PROGRESS_EVERY_MS) {
      this.lastProgress = Date.now();
      this.log.progress?.(`${this.label}: ${this.requests} requests sent`);
    }
  }

  /**
   * Records a failed attempt; with `retry`, says on the progress line what is retried after
   * what (`retry.inMs` when the wait is known; an SDK that chooses its own backoff leaves it out).
   */
  failed(reason: string, retry?: { inMs?: number }): void {
    this.failures += 1;
    this.lastFailure = reason;
    if (retry && this.failures <= this.settings.retryBudget)
      this.log.progress?.(
        `${this.label}: retrying${retry.inMs === undefined ? '' : ` in ${seconds(retry.inMs / 1000)}`} after ${reason} (${this.failures} of ${this.settings.retryBudget} failed attempts allowed)`,
      );
  }

  /** Whether a failed attempt may be tried again: attempts left for this request and budget left for the target. */
  mayRetry(retriesDone: number): boolean {
    return retriesDone < this.settings.retries && this.failures <= this.settings.retryBudget && !this.scanSignal?.aborted;
  }

  /** The wait before retry number `retriesDone + 1` (a server's Retry-After in seconds wins, up to a minute). */
  retryDelayMs(retriesDone: number, retryAfter?: string | null): number {
    const asked = retryAfter ? Number(retryAfter) : NaN;
    if (Number.isFinite(asked) && asked >= 0) return Math.min(asked, 60) * 1000;
    return Math.min(this.settings.retryDelaySeconds * 1000 * 2 ** retriesDone, 30_000);
  }

  /** One attempt's signal: its own deadline, or the scan's, whichever comes first. */
  attempt(): { signal: AbortSignal; timedOut(): boolean; scanAborted(): boolean } {
    const timeout = AbortSignal.timeout(this.settings.requestTimeoutSeconds * 1000);
    const signal = this.scanSignal ? AbortSignal.any([timeout, this.scanSignal]) : timeout;
    return { signal, timedOut: () => timeout.aborted && !this.scanSignal?.aborted, scanAborted: () => this.scanSignal?.aborted === true };
  }

  /** The error to report for an attempt stopped by its signal. */
  abortError(attempt: { timedOut(): boolean }): Error {
    return attempt.timedOut() ? new RequestTimedOut(this.settings.requestTimeoutSeconds) : this.deadlineError();
  }

  deadlineError(): Error {
    const reason: unknown = this.scanSignal?.reason;
    return reason instanceof DeadlineExceeded ? reason : new Error(abortMessage(this.scanSignal));
  }

  /** Waits `ms`, or less when the scan's deadline passes first (then throws). */
  async sleep(ms: number): Promise<void> {
    if (!ms) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const scan = this.scanSignal;
      function done() {
        clearTimeout(timer);
        scan?.removeEventListener('abort', done);
        resolve();
      }
      scan?.addEventListener('abort', done, { once: true });
    });
    if (this.scanSignal?.aborted) throw this.deadlineError();
  }
}

/** Whether an error (or its cause chain) is one that must not be retried: a cap, a spent budget, the scan's deadline. */
export const isFinal = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1)
    if (e instanceof ResponseTooLarge || e instanceof RetryBudgetSpent || e instanceof DeadlineExceeded) return true;
  return false;
};

/** The first of our own network errors in an error's cause chain (the message a coverage row should show). */
export const networkCause = (error: unknown): Error | undefined => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1)
    if (e instanceof ResponseTooLarge || e instanceof RetryBudgetSpent || e instanceof DeadlineExceeded || e instanceof RequestTimedOut) return e;
  return undefined;
};

/**
 * One request with retries under the target's budget: `send` gets the attempt's signal and
 * returns the answer, or throws (an error with `status` or `retryAfter` tells what came back).
 */
export const withRetries = async <T>(net: TargetNetwork, what: string, send: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  for (let retriesDone = 0; ; retriesDone += 1) {
    net.admit();
    const attempt = net.attempt();
    try {
      return await send(attempt.signal);
    } catch (thrown) {
      const error = attempt.signal.aborted ? net.abortError(attempt) : thrown;
      const status = (thrown as { status?: number }).status;
      if (isFinal(error) || attempt.scanAborted() || (status !== undefined && !retryableStatus(status))) throw error;
      const reason = `${what}: ${status !== undefined ? `HTTP ${status}` : (error as Error).message}`;
      const delay = net.retryDelayMs(retriesDone, (thrown as { retryAfter?: string }).retryAfter);
      const again = net.mayRetry(retriesDone);
      net.failed(reason, again ? { inMs: delay } : undefined);
      if (!again) throw error;
      await net.sleep(delay);
    }
  }
};
