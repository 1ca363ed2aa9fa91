// Kubeconfig handling: one KubeConfig and one set of API clients per context, holding only
// that context's cluster and user, so two contexts can never share a client or credentials.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, resolve } from 'node:path';
import {
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  HttpMethod,
  createConfiguration,
  setHeaderOptions,
  type Configuration,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
} from '@kubernetes/client-node';
import { request as httpRequest, type Dispatcher } from 'undici';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_NETWORK, readCapped, type NetworkSettings } from '../network.ts';
import type { KubernetesConfig } from './schema.ts';

export interface ClusterClient {
  /** The context name: dutybound's cluster name. */
  context: string;
  /** The kubeconfig cluster entry's name and server. */
  clusterName: string;
  server: string;
  rbac: RbacAuthorizationV1Api;
  core: CoreV1Api;
  authentication: AuthenticationV1Api;
  /** What the API clients above are built on: server, kubeconfig authentication, connection pool, headers. */
  configuration: Configuration;
}

const expandHome = (path: string) => path.replace(/^~(?=$|\/)/, homedir());

/** The kubeconfig files to read: the section's `kubeconfig`, else $KUBECONFIG (a path list), else ~/.kube/config. */
export const kubeconfigPaths = (config: Pick<KubernetesConfig, 'kubeconfig'>, baseDir: string, env: NodeJS.ProcessEnv = process.env): string[] => {
  if (config.kubeconfig) {
    const path = expandHome(config.kubeconfig);
    return [isAbsolute(path) ? path : resolve(baseDir, path)];
  }
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean).map(expandHome);
  return [resolve(homedir(), '.kube', 'config')];
};

/** Read and merge the kubeconfig files (the first definition of a name wins, as kubectl does). */
export const loadKubeConfig = (paths: string[]): KubeConfig => {
  const merged = new KubeConfig();
  merged.clusters = [];
  merged.users = [];
  merged.contexts = [];
  const present = paths.filter((path) => existsSync(path));
  if (!present.length) throw new InputError(`kubernetes.kubeconfig: no kubeconfig file found (looked at ${paths.join(', ')})`);
  for (const path of present) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(path);
    } catch (error) {
      throw new InputError(`${path}: not a readable kubeconfig (${(error as Error).message})`, [], { cause: error });
    }
    for (const cluster of kc.clusters) if (!merged.clusters.some((c) => c.name === cluster.name)) merged.clusters.push(cluster);
    for (const user of kc.users) if (!merged.users.some((u) => u.name === user.name)) merged.users.push(user);
    for (const context of kc.contexts) if (!merged.contexts.some((c) => c.name === context.name)) merged.contexts.push(context);
    if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
  }
  return merged;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** A KubeConfig holding only `contextName`'s cluster and user, and the API clients built from it. */
export const clusterClient = (base: KubeConfig, contextName: string, network: NetworkSettings = DEFAULT_NETWORK): ClusterClient => {
  const context = base.getContextObject(contextName);
  if (!context) throw new InputError(`kubernetes.contexts: context "${contextName}" is not in the kubeconfig (known: ${base.contexts.map((c) => c.name).join(', ') || 'none'})`);
  const cluster = base.getCluster(context.cluster);
  if (!cluster) throw new InputError(`kubeconfig context "${contextName}": cluster "${context.cluster}" is not defined`);
  const user = context.user ? base.getUser(context.user) : null;
  const url = new URL(cluster.server);
  // kubectl talks plain http to a loopback server (kubectl proxy, test fakes); client-node refuses
  // http unless TLS verification is off, which is meaningless without TLS.
  const plainLoopback = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [plainLoopback ? { ...cluster, skipTLSVerify: true } : cluster],
    users: user ? [user] : [{ name: 'anonymous' }],
    contexts: [{ ...context, user: user ? context.user : 'anonymous' }],
    currentContext: context.name,
  });
  // Like kc.makeApiClient, plus one connection pool per cluster: client-node builds a fresh
  // dispatcher for every request (a new connection, and TLS handshake, per list page).
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    middleware: [sharedDispatcher(network.requestTimeoutSeconds * 1000), headerMiddleware('User-Agent', 'dutybound')],
  });
  return {
    context: contextName,
    clusterName: cluster.name,
    server: cluster.server,
    rbac: new RbacAuthorizationV1Api(configuration),
    core: new CoreV1Api(configuration),
    authentication: new AuthenticationV1Api(configuration),
    configuration,
  };
};

const headerMiddleware = (key: string, value: string): ObservableMiddleware => ({
  pre: (context: RequestContext) => {
    context.setHeaderParam(key, value);
    return new Observable(Promise.resolve(context));
  },
  post: (response) => new Observable(Promise.resolve(response)),
});

/**
 * Keep the first dispatcher the kubeconfig authentication attached and reuse it for every later
 * request of this client, with undici's header and body timeouts on every request it sends
 * (a request's own options win: listPage sets them too).
 */
const sharedDispatcher = (timeoutMs: number): ObservableMiddleware => {
  let shared: NonNullable<ReturnType<RequestContext['getDispatcher']>> | undefined;
  const withTimeouts: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => dispatch({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...options }, handler);
  return {
    pre: (context: RequestContext) => {
      const dispatcher = context.getDispatcher();
      if (dispatcher) {
        if (shared) context.setDispatcher(shared);
        else {
          const bounded = (dispatcher as unknown as Dispatcher).compose(withTimeouts) as unknown as NonNullable<typeof shared>;
          shared = bounded;
          context.setDispatcher(bounded);
        }
      }
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
};

/** Per-call options that set request headers (metadata-only lists, patch content types). */
export const withHeaders = (headers: Record<string, string>): ConfigurationOptions =>
  Object.entries(headers).reduce<ConfigurationOptions | undefined>((options, [key, value]) => setHeaderOptions(key, value, options as never) as ConfigurationOptions, undefined)!;

/** Ask for PartialObjectMetadata: the API server then sends metadata only, never data or spec. */
export const METADATA_ONLY_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** One page of a list as the API server sends it (JSON). */
export interface ListPage<T> {
  kind?: string;
  apiVersion?: string;
  metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number };
  items: T[];
}

/**
 * A failed request as dutybound shows it: status code, the Status reason and message the API
 * server sent, never the answer's headers (Set-Cookie, tokens) or the rest of its body.
 */
export class KubernetesApiError extends Error {
  readonly code: number;
  /** The same number, under the name the network retry layer reads. */
  readonly status: number;
  readonly reason: string | undefined;
  readonly retryAfter: string | undefined;
  constructor(code: number, reason: string | undefined, message: string | undefined, retryAfter?: string) {
    super(message ?? `HTTP ${code}${reason ? ` ${reason}` : ''}`);
    this.code = code;
    this.status = code;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }
}

/** The reason and message of a Kubernetes Status body, if the text is one. */
const statusOf = (text: string): { reason?: string; message?: string } => {
  try {
    const body = JSON.parse(text) as { kind?: string; reason?: unknown; message?: unknown };
    if (!body || typeof body !== 'object' || body.kind !== 'Status') return {};
    // The reason and a bounded message: a server's Status is shown, never a whole body it chose to send.
    const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
    return { ...(typeof body.reason === 'string' ? { reason: clip(body.reason, 80) } : {}), ...(typeof body.message === 'string' ? { message: clip(body.message, 500) } : {}) };
  } catch {
    return {};
  }
};

/** Deadline and size bounds of one request (see connectors/network.ts). */
export interface RequestBounds {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
}

const ERROR_BODY_BYTES = 64 * 1024;

/**
 * GET one list page and parse it as plain JSON. The request is the client's own (server,
 * kubeconfig authentication, TLS, connection pool, headers, middleware), but the answer skips client-node's
 * model deserialization: that walks a type map for every field and builds a Date for every
 * timestamp, most of a scan's CPU at thousands of bindings. The JSON is the same camelCase
 * shape the client-node model interfaces describe, with times as the strings sent.
 * A non-2xx answer throws KubernetesApiError (code, Status reason and message). The answer is
 * read up to `bounds.maxBytes`, within undici's header and body timeouts and `bounds.signal`.
 */
export const listPage = async <T>(
  client: Pick<ClusterClient, 'configuration'>,
  path: string,
  query: Record<string, string | number | undefined>,
  accept = 'application/json',
  bounds: RequestBounds = {},
): Promise<ListPage<T>> => {
  const { configuration } = client;
  let request = configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
  request.setHeaderParam('Accept', accept);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) request.setQueryParam(key, String(value));
  await configuration.authMethods.default?.applySecurityAuthentication(request);
  for (const middleware of configuration.middleware) request = await middleware.pre(request).toPromise();
  // Sent with undici's request() on the dispatcher the kubeconfig authentication chose (TLS, proxy,
  // pool): the same connection as client-node's fetch, without the Fetch API's per-request machinery.
  const response = await httpRequest(request.getUrl(), {
    method: 'GET',
    headers: request.getHeaders(),
    ...(request.getDispatcher() ? { dispatcher: request.getDispatcher() as Dispatcher } : {}),
    ...(bounds.signal ? { signal: bounds.signal } : {}),
    ...(bounds.timeoutMs ? { headersTimeout: bounds.timeoutMs, bodyTimeout: bounds.timeoutMs } : {}),
  });
  const code = response.statusCode;
  const header = (name: string): string => {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  if (code < 200 || code > 299) {
    // Only the Status reason and message are kept: headers and the rest of the body never leave here.
    const text = await readCapped(response.body, ERROR_BODY_BYTES).then(
      (bytes) => bytes.toString('utf8'),
      () => '',
    );
    const status = code === 401 ? { reason: 'Unauthorized', message: 'Unauthorized' } : statusOf(text);
    throw new KubernetesApiError(code, status.reason, status.message ?? `HTTP ${code}`, header('retry-after') || undefined);
  }
  const text = (await readCapped(response.body, bounds.maxBytes ?? Number.POSITIVE_INFINITY)).toString('utf8');
  const contentType = header('content-type');
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) throw new Error(`list ${path}: expected JSON, got content-type "${contentType}"`);
  const page = JSON.parse(text) as ListPage<T>;
  if (!page || typeof page !== 'object' || !Array.isArray(page.items)) throw new Error(`list ${path}: the answer is not a list (kind ${String((page as { kind?: unknown })?.kind)})`);
  return page;
};

export interface ApiErrorInfo {
  code?: number;
  reason?: string;
  message: string;
}

/** Code, reason and message of a client-node ApiException (or any error). */
export const apiError = (error: unknown): ApiErrorInfo => {
  if (error instanceof KubernetesApiError) return { code: error.code, reason: error.reason, message: error.message };
  const e = error as { code?: unknown; body?: unknown; message?: string; cause?: unknown };
  const code = typeof e?.code === 'number' ? e.code : undefined;
  let body = e?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* not a Status */
    }
  }
  const status = body && typeof body === 'object' ? (body as { message?: string; reason?: string }) : undefined;
  if (code !== undefined) return { code, reason: status?.reason, message: status?.message ?? (code === 401 ? 'Unauthorized' : `HTTP ${code}`) };
  const cause = e?.cause as { code?: string; message?: string } | undefined;
  return { message: [e?.message ?? String(error), cause?.code ?? cause?.message].filter(Boolean).join(': ') };
};
