import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './faults.ts';
import { startFakeServer, type FakeServer } from './server.ts';

let upstream: FakeServer;
beforeAll(async () => {
  upstream = await startFakeServer((request) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: `hello ${request.path}` }));
});
afterAll(() => upstream.close());

const status = (url: string) => fetch(url).then((response) => response.status);

describe('the fault proxy', () => {
  it('passes requests through until the plan says otherwise, and touches only the affected ones', async () => {
    const proxy = await startFaultProxy(upstream.url, { mode: 'error500', after: 2, affects: (request) => request.path.startsWith('/a') });
    try {
      expect(await fetch(`${proxy.url}/a/1`).then((response) => response.text())).toBe('hello /a/1');
      expect([await status(`${proxy.url}/a/2`), await status(`${proxy.url}/a/3`), await status(`${proxy.url}/b`), await status(`${proxy.url}/a/4`)]).toEqual([200, 500, 200, 500]);
      expect([proxy.affected, proxy.faulted]).toEqual([4, 2]);
    } finally {
      await proxy.close();
    }
  });

  it('resets the connection, drips the real body, streams without end, and stalls', async () => {
    const proxy = await startFaultProxy(upstream.url, { mode: 'reset' });
    await expect(fetch(`${proxy.url}/x`)).rejects.toThrow(/fetch failed/);
    await proxy.close();

    const dripping = await startFaultProxy(upstream.url, { mode: 'drip', dripMs: 20 });
    const started = Date.now();
    expect(await fetch(`${dripping.url}/slow`).then((response) => response.text())).toBe('hello /slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual('hello /slow'.length * 15);
    await dripping.close();

    const endless = await startFaultProxy(upstream.url, { mode: 'endless' });
    const reader = (await fetch(`${endless.url}/big`)).body!.getReader();
    let received = 0;
    while (received < 4 * 1024 * 1024) received += (await reader.read()).value!.byteLength;
    await reader.cancel();
    expect(received).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    await endless.close();

    const stalled = await startFaultProxy(upstream.url, { mode: 'stall' });
    await expect(fetch(`${stalled.url}/never`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/timeout|aborted/i);
    expect(stalled.faulted).toBe(1);
    await stalled.close();
  });
});
