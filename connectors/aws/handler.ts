// The AWS SDK's request handler under dutybound's network bounds: the SDK's own
// NodeHttpHandler (connection and header timeouts) inside an attempt deadline that also covers
// the body, a body cap, and the target's retry budget. The SDK's retry strategy (aws.maxAttempts,
// adaptive) decides what is retried: timeouts and resets are transient to it, a cap, a spent
// budget or the scan's deadline are not.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { isFinal, readCapped, RequestTimedOut, retryableStatus, type TargetNetwork } from '../network.ts';

type HandleArgs = Parameters<NodeHttpHandler['handle']>;
type Handled = Awaited<ReturnType<NodeHttpHandler['handle']>>;

/** A timeout the SDK retries as transient (its retry strategy reads the error name). */
const transientTimeout = (net: TargetNetwork): Error => Object.assign(new RequestTimedOut(net.settings.requestTimeoutSeconds), { name: 'TimeoutError' });

export class BoundedHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inner: NodeHttpHandler;
  private readonly net: TargetNetwork;

  constructor(net: TargetNetwork) {
    this.net = net;
    this.inner = new NodeHttpHandler({
      connectionTimeout: net.settings.connectTimeoutSeconds * 1000,
      requestTimeout: net.settings.requestTimeoutSeconds * 1000,
      throwOnRequestTimeout: true,
    });
  }

  async handle(request: HandleArgs[0], options: HandleArgs[1] = {}): Promise<Handled> {
    this.net.admit();
    const attempt = this.net.attempt();
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal as AbortSignal, attempt.signal]) : attempt.signal;
    const what = `${request.headers['x-amz-target'] ?? new URLSearchParams(String(request.body ?? '')).get('Action') ?? request.path}`;
    try {
      const handled = await this.inner.handle(request, { ...options, abortSignal: signal });
      // The whole body is read inside the attempt: its deadline and the cap cover it too.
      handled.response.body = await readCapped(handled.response.body as AsyncIterable<Uint8Array>, this.net.maxBytes);
      const status = handled.response.statusCode;
      if (retryableStatus(status) && status !== 429) {
        this.net.failed(`${what}: HTTP ${status}`, this.lastTry(request) ? undefined : {});
        // A server fault past network.retries: the SDK's error, not retried (throttling keeps aws.maxAttempts).
        if (this.lastTry(request)) throw new Error(`${what}: HTTP ${status} on attempt ${this.attemptOf(request)} (network.retries)`);
      }
      return handled;
    } catch (error) {
      if (attempt.scanAborted()) throw this.net.deadlineError();
      if (isFinal(error) || !(error instanceof Error) || /\(network\.retries\)$/.test(error.message)) throw error;
      // The attempt's deadline, or the SDK's own header timeout: both read as one timeout.
      const timedOut = attempt.timedOut() || /requestTimeout|within the configured timeout/.test(error.message);
      const thrown = timedOut ? transientTimeout(this.net) : error;
      const last = this.lastTry(request);
      this.net.failed(`${what}: ${thrown.message}`, last ? undefined : {});
      // Timeouts and resets are retried network.retries times, whatever aws.maxAttempts allows
      // throttling. No cause: the SDK's retry strategy would read the transient one.
      throw last ? new Error(thrown.message) : thrown;
    }
  }

  /** The attempt number the SDK's retry middleware wrote on the request (`amz-sdk-request: attempt=N; max=M`). */
  private attemptOf(request: HandleArgs[0]): number {
    return Number(/attempt=(\d+)/.exec(String(request.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
  }

  private lastTry(request: HandleArgs[0]): boolean {
    return this.attemptOf(request) > this.net.settings.retries;
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
