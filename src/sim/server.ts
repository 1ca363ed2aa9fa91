// The base every fake API of the simulated estate runs on: an HTTP server on 127.0.0.1
// with injectable latency and faults, counting every call by operation.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Name of the API operation, for call counting (`ListUsers`, `GET /orgs/{org}/members`). */
  operation?: string;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeServerOptions {
  /** Added before every answer. */
  latencyMs?: number;
  /**
   * Called before the handler with the 1-based call number; an answer returned here replaces the
   * handler's (rate limits, 5xx faults). Fault plans live in each fake, which knows its API's error shapes.
   */
  inject?: (request: FakeRequest, callNumber: number) => FakeResponse | undefined;
}

export interface CallLog {
  total: number;
  byOperation: Map<string, number>;
}

export interface FakeServer {
  url: string;
  port: number;
  calls: CallLog;
  resetCalls(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const startFakeServer = async (handler: FakeHandler, options: FakeServerOptions = {}): Promise<FakeServer> => {
  const calls: CallLog = { total: 0, byOperation: new Map() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const request: FakeRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        calls.total += 1;
        const callNumber = calls.total;
        let response: FakeResponse;
        try {
          if (options.latencyMs) await sleep(options.latencyMs);
          response = options.inject?.(request, callNumber) ?? (await handler(request));
        } catch (error) {
          response = { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
        }
        const operation = response.operation ?? `${request.method} ${request.path}`;
        calls.byOperation.set(operation, (calls.byOperation.get(operation) ?? 0) + 1);
        const isText = typeof response.body === 'string';
        const payload = response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
        const headers: Record<string, string> = {
          ...(payload && !isText ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...response.headers,
          'content-length': String(Buffer.byteLength(payload)),
        };
        res.writeHead(response.status, headers);
        res.end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    resetCalls() {
      calls.total = 0;
      calls.byOperation.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
