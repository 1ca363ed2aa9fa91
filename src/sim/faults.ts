// A fault-injecting proxy on 127.0.0.1 in front of any fake API (or none): requests pass
// through to the fake until the plan says otherwise, then each affected request meets one
// failure mode of a real network: a server that stalls, resets the connection, drips its
// answer a byte at a time, streams a body without end, or answers 500.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAULT_MODES = ['stall', 'reset', 'drip', 'endless', 'error500'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FaultPlan {
  mode: FaultMode;
  /** Affected requests answered normally before the fault starts (0: from the first). */
  after?: number;
  /** Which requests the plan touches (default: every one); the others always pass through. */
  affects?: (request: ProxiedRequest) => boolean;
  /** `drip`: milliseconds between bytes (default 200). */
  dripMs?: number;
  /** `error500`: the answer in the faked API's own error shape (default: a JSON message). */
  serverError?: { headers: Record<string, string>; body: string };
}

export interface FaultProxy {
  url: string;
  /** Requests the plan touched, and how many of those met the fault. */
  affected: number;
  faulted: number;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const forward = (upstream: URL, request: ProxiedRequest): Promise<Upstream> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.path, headers: { ...request.headers, host: upstream.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });

const headersOf = (headers: IncomingHttpHeaders, drop: string[] = []): Record<string, string | string[]> =>
  Object.fromEntries(Object.entries(headers).filter(([key, value]) => value !== undefined && !drop.includes(key) && key !== 'connection' && key !== 'transfer-encoding')) as Record<
    string,
    string | string[]
  >;

/** Sends `body` one byte every `ms`, for as long as the client listens. */
const drip = (res: ServerResponse, body: Buffer, ms: number): void => {
  let index = 0;
  const timer = setInterval(() => {
    if (res.destroyed || index >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(index, index + 1));
    index += 1;
  }, ms);
  res.on('close', () => clearInterval(timer));
};

/** Streams filler forever (while the client reads), after the real body's first bytes. */
const endless = (res: ServerResponse, start: Buffer): void => {
  const filler = Buffer.alloc(64 * 1024, 0x20);
  res.write(start.subarray(0, Math.max(0, start.length - 1)));
  const pump = () => {
    while (!res.destroyed && res.write(filler));
  };
  res.on('drain', pump);
  pump();
};

export const startFaultProxy = async (upstreamUrl: string | undefined, plan: FaultPlan): Promise<FaultProxy> => {
  const upstream = upstreamUrl ? new URL(upstreamUrl) : undefined;
  const sockets = new Set<Socket>();
  const state = { affected: 0, faulted: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const touched = plan.affects?.(request) ?? true;
        if (touched) state.affected += 1;
        const fault = touched && state.affected > (plan.after ?? 0) ? plan.mode : undefined;
        if (fault) state.faulted += 1;
        if (fault === 'stall') return; // never answered; the socket stays open until the client gives up
        if (fault === 'reset') {
          req.socket.resetAndDestroy();
          return;
        }
        if (fault === 'error500') {
          const answer = plan.serverError ?? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'injected server fault' }) };
          res.writeHead(500, answer.headers).end(answer.body);
          return;
        }
        const answer = upstream ? await forward(upstream, request).catch(() => undefined) : { status: 200, headers: {}, body: Buffer.alloc(0) };
        if (!answer) {
          res.writeHead(502).end();
          return;
        }
        if (fault === 'drip') {
          res.writeHead(answer.status, headersOf(answer.headers));
          drip(res, answer.body, plan.dripMs ?? 200);
        } else if (fault === 'endless') {
          res.writeHead(answer.status, headersOf(answer.headers, ['content-length']));
          endless(res, answer.body);
        } else {
          res.writeHead(answer.status, headersOf(answer.headers));
          res.end(answer.body);
        }
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get affected() {
      return state.affected;
    },
    get faulted() {
      return state.faulted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
