import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../src/sim/faults.ts';
import { startFakeServer, type FakeServer } from '../../src/sim/server.ts';
import { DEFAULT_NETWORK, type NetworkSettings } from '../network.ts';
import { fetchFeed, isFeedUrl, redactUrl } from './feed.ts';

describe('redactUrl', () => {
  it.each([
    ['https://calendar.google.com/calendar/ical/team%40example.com/private-0a1b2c3d4e5f60718293a4b5c6d7e8f9/basic.ics', 'https://calendar.google.com/calendar/ical/***/***/basic.ics'],
    ['https://acme.pagerduty.com/private/3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a/feed/PABC123', 'https://acme.pagerduty.com/private/***/feed/***'],
    ['https://oncall.example.com/export.ics?token=abc&team=payments#frag', 'https://oncall.example.com/export.ics?token=***&team=***'],
    ['https://ops:hunter2@oncall.example.com/feeds/payments.ics', 'https://***@oncall.example.com/feeds/***'],
    ['http://127.0.0.1:8080/calendars/platform.ics', 'http://127.0.0.1:8080/calendars/***'],
    // Tokens of any shape: letters only, short, with a calendar extension, as a bare query key.
    ['https://x.example.com/feeds/SECRETlettersOnly', 'https://x.example.com/feeds/***'],
    ['https://x.example.com/ok/Xk29Rb5vQ1.ics', 'https://x.example.com/***/***'],
    ['https://x.example.com/feeds/abc', 'https://x.example.com/feeds/***'],
    ['https://x.example.com/v2/schedules/ical?Zq81secret', 'https://x.example.com/v2/schedules/ical?***'],
    ['https://x.example.com/feed.ics?SECRET=1', 'https://x.example.com/feed.ics?***'],
    ['https://x.example.com/%E0%A4%A/feed', 'https://x.example.com/***/feed'],
    ['https://x.example.com:8443/Calendar/Team.ICS', 'https://x.example.com:8443/Calendar/Team.ICS'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('recognises only http(s) URLs as feeds', () => {
    expect(isFeedUrl('https://x.example.com/a.ics')).toBe(true);
    expect(isFeedUrl('HTTP://x.example.com/a.ics')).toBe(true);
    expect(isFeedUrl('oncall.ics')).toBe(false);
    expect(isFeedUrl('/srv/https/oncall.ics')).toBe(false);
  });
});

const rotation = readFileSync(join(import.meta.dirname, '__fixtures__', 'payments-primary.ics'), 'utf8');
const berlin = readFileSync(join(import.meta.dirname, '__fixtures__', 'platform-secondary-berlin.ics'), 'utf8');
/** Small deadlines: each fault ends its feed in well under a second or two. */
const network: NetworkSettings = { ...DEFAULT_NETWORK, requestTimeoutSeconds: 0.5, retries: 1, retryDelaySeconds: 0, retryBudget: 4, maxResponseMegabytes: 1 };

describe('fetchFeed retries and deadlines (every failure mode: test/faults/feeds.test.ts)', () => {
  let feeds: FakeServer;
  beforeAll(async () => {
    feeds = await startFakeServer((request) => ({ status: 200, headers: { 'content-type': 'text/calendar' }, body: request.path.includes('berlin') ? berlin : rotation }));
  });
  afterAll(async () => {
    await feeds.close();
  });

  it('reads a feed that fails once and then answers (a retry within the budget)', async () => {
    const proxy = await startFaultProxy(feeds.url, { mode: 'error500', affects: () => proxy.affected < 1 });
    try {
      const result = await fetchFeed(`${proxy.url}/feed.ics`, { network });
      expect(result).toEqual({ text: rotation });
    } finally {
      await proxy.close();
    }
  });

  it('stops at the scan deadline and says so', async () => {
    const proxy = await startFaultProxy(feeds.url, { mode: 'stall' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline exceeded (--timeout 200 ms)')), 200);
    try {
      const result = await fetchFeed(`${proxy.url}/feed.ics`, { network: { ...network, requestTimeoutSeconds: 30 }, signal: controller.signal });
      expect(result).toEqual({ error: 'deadline exceeded (--timeout 200 ms)' });
    } finally {
      await proxy.close();
    }
  });

  it('says on the progress line what it retries after what', async () => {
    const proxy = await startFaultProxy(feeds.url, { mode: 'error500' });
    const lines: string[] = [];
    const log = { info() {}, warn() {}, debug() {}, progress: (line: string) => lines.push(line) };
    try {
      await fetchFeed(`${proxy.url}/feed.ics`, { network, log });
      expect(lines).toEqual([
        `schedule ${proxy.url}/feed.ics: started`,
        `schedule ${proxy.url}/feed.ics: retrying in 0 s after GET: HTTP 500 (1 of 4 failed attempts allowed)`,
        expect.stringMatching(new RegExp(`^schedule ${proxy.url}/feed.ics: failed after 2 requests in [\\d.]+ s$`)),
      ]);
    } finally {
      await proxy.close();
    }
  });
});
