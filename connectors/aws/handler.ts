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
      if (retryableStatus(handled.response.statusCode)) this.net.failed(`${what}: HTTP ${handled.response.statusCode}`, {});
      return handled;
    } catch (error) {
      if (attempt.scanAborted()) throw this.net.deadlineError();
      if (isFinal(error)) throw error;
      // The attempt's deadline, or the SDK's own header timeout: both read as one timeout.
      const timedOut = attempt.timedOut() || /requestTimeout|within the configured timeout/.test((error as Error).message);
      const thrown = timedOut ? transientTimeout(this.net) : error;
      this.net.failed(`${what}: ${(thrown as Error).message}`, {});
      throw thrown;
    }
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
