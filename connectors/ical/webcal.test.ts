// webcal:// and webcals:// (the form PagerDuty, Google and Outlook hand out) are https feeds, not file paths.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePath } from '../../src/config/load.ts';
import { loadSchedules } from '../files/index.ts';
import { fetchableUrl, isFeedUrl } from './feed.ts';

let server: Server;
let port: number;
const firstBytes: number[][] = [];

beforeAll(async () => {
  // Records what a client sends first: a TLS handshake starts with record type 22 (0x16).
  server = createServer((socket) => socket.once('data', (data: Buffer) => void (firstBytes.push([...data.subarray(0, 2)]), socket.destroy())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('webcal feeds', () => {
  it('are feed URLs, fetched over https, and kept as URLs by the config', () => {
    expect(isFeedUrl('webcal://acme.pagerduty.com/private/abc/feed/PABC123')).toBe(true);
    expect(isFeedUrl('WEBCALS://calendar.example.com/oncall.ics')).toBe(true);
    expect(fetchableUrl('webcal://acme.pagerduty.com/private/abc/feed/PABC123')).toBe('https://acme.pagerduty.com/private/abc/feed/PABC123');
    expect(fetchableUrl('webcals://calendar.example.com/a.ics')).toBe('https://calendar.example.com/a.ics');
    expect(fetchableUrl('http://127.0.0.1/a.ics')).toBe('http://127.0.0.1/a.ics');
    expect(resolvePath('/etc/dutybound', 'webcal://acme.pagerduty.com/feed.ics')).toBe('webcal://acme.pagerduty.com/feed.ics');
  });

  it('are requested with TLS, and one that cannot be read is failed coverage with its secret redacted, never "file not found"', async () => {
    const url = `webcal://127.0.0.1:${port}/private/3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a/feed/PABC123`;
    const result = await loadSchedules([url], { now: new Date('2026-11-16T10:00:00Z') });
    expect(firstBytes[0]?.[0]).toBe(0x16);
    expect(result.shifts).toEqual([]);
    expect(result.coverage).toEqual([{ system: 'schedule', target: `webcal://127.0.0.1:${port}/private/***/feed/***`, status: 'failed', error: expect.any(String) }]);
    expect(JSON.stringify(result)).not.toContain('3f2a1b0c9d8e7f6a');
  });
});
