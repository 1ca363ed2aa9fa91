// listPage: one list page through the client's own request pipeline (kubeconfig token, headers),
// read as the API server's JSON; failures keep only the status and the Status reason and message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/errors.ts';
import { startFaultProxy } from '../../src/sim/faults.ts';
import { startFakeServer, type FakeRequest, type FakeServer } from '../../src/sim/server.ts';
import { DEFAULT_NETWORK } from '../network.ts';
import { apiError, clusterClient, listPage, loadKubeConfig, METADATA_ONLY_LIST, type ClusterClient } from './cluster.ts';

let dir: string;
let server: FakeServer;
let client: ClusterClient;
const seen: FakeRequest[] = [];

beforeAll(async () => {
  server = await startFakeServer((request) => {
    seen.push(request);
    if (request.headers.authorization !== 'Bearer t0ken') return { status: 401, body: { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' } };
    if (request.path === '/api/v1/secrets')
      return { status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'secrets is forbidden: User "scanner" cannot list resource "secrets"' } };
    if (request.path === '/html') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' };
    return {
      status: 200,
      body: {
        kind: 'RoleBindingList',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        metadata: { resourceVersion: '12', continue: 'next-page' },
        items: [{ metadata: { name: 'b', namespace: 'team-a', creationTimestamp: '2025-03-01T10:00:00Z' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }],
      },
    };
  });
  dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-cluster-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'clusters:',
      `- name: c\n  cluster:\n    server: ${server.url}`,
      'users:',
      '- name: u\n  user:\n    token: t0ken',
      'contexts:',
      '- name: c\n  context:\n    cluster: c\n    user: u',
    ].join('\n'),
  );
  client = clusterClient(loadKubeConfig([file]), 'c');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listPage', () => {
  it('sends the query, the Accept asked for and the kubeconfig token, and returns the JSON as sent (times stay strings)', async () => {
    const page = await listPage<{ metadata: { name: string; creationTimestamp: string } }>(
      client,
      '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      { limit: 500, continue: 'abc', fieldSelector: 'type=x', labelSelector: undefined },
      METADATA_ONLY_LIST,
    );
    expect(page.kind).toBe('RoleBindingList');
    expect(page.metadata?.continue).toBe('next-page');
    expect(page.items[0]!.metadata.creationTimestamp).toBe('2025-03-01T10:00:00Z');
    const request = seen.at(-1)!;
    expect(request.path).toBe('/apis/rbac.authorization.k8s.io/v1/rolebindings');
    expect(Object.fromEntries(request.query)).toEqual({ limit: '500', continue: 'abc', fieldSelector: 'type=x' });
    expect(request.headers.accept).toBe(METADATA_ONLY_LIST);
    expect(request.headers['user-agent']).toBe('dutybound');
  });

  it('a refused list throws with the HTTP code and the Status message', async () => {
    const error = await listPage(client, '/api/v1/secrets', { limit: 10 }).catch((caught: unknown) => caught);
    expect(apiError(error)).toEqual({ code: 403, reason: 'Forbidden', message: 'secrets is forbidden: User "scanner" cannot list resource "secrets"' });
  });

  it('an answer that is not JSON is an error naming its content type', async () => {
    await expect(listPage(client, '/html', {})).rejects.toThrow('list /html: expected JSON, got content-type "text/html"');
  });
});

describe('client timeouts', () => {
  it("bounds client-node's own calls too: a server that never answers fails within the request deadline", async () => {
    const stalled = await startFaultProxy(undefined, { mode: 'stall' });
    try {
      const file = join(dir, 'stalled-kubeconfig');
      writeFileSync(file, ['apiVersion: v1', 'kind: Config', 'current-context: s', 'clusters:', `- name: s\n  cluster:\n    server: ${stalled.url}`, 'users:', '- name: u\n  user:\n    token: t0ken', 'contexts:', '- name: s\n  context:\n    cluster: s\n    user: u'].join('\n'));
      const bounded = clusterClient(loadKubeConfig([file]), 's', { ...DEFAULT_NETWORK, requestTimeoutSeconds: 0.3 });
      const started = Date.now();
      const error = await bounded.rbac.listClusterRole().catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(describeError(error)).toMatch(/timeout/i);
    } finally {
      await stalled.close();
    }
  });
});
