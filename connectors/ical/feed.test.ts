import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../src/sim/server.ts';
import { fetchFeed, isFeedUrl, redactUrl } from './feed.ts';

describe('redactUrl', () => {
  it.each([
    ['https://calendar.google.com/calendar/ical/team%40example.com/private-0a1b2c3d4e5f60718293a4b5c6d7e8f9/basic.ics', 'https://calendar.google.com/calendar/ical/team%40example.com/***/basic.ics'],
    ['https://acme.pagerduty.com/private/3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a/feed/PABC123', 'https://acme.pagerduty.com/private/***/feed/PABC123'],
    ['https://oncall.example.com/export.ics?token=abc&team=payments#frag', 'https://oncall.example.com/export.ics?token=***&team=***'],
    ['https://ops:hunter2@oncall.example.com/feeds/payments.ics', 'https://***@oncall.example.com/feeds/payments.ics'],
    ['http://127.0.0.1:8080/calendars/platform.ics', 'http://127.0.0.1:8080/calendars/platform.ics'],
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

describe('fetchFeed', () => {
  let slow: FakeServer;
  beforeAll(async () => {
    slow = await startFakeServer(() => ({ status: 200, body: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }), { latencyMs: 1_000 });
  });
  afterAll(async () => {
    await slow.close();
  });

  it('gives up after its timeout and says so', async () => {
    const result = await fetchFeed(`${slow.url}/feed.ics?token=secret-value`, 100);
    expect(result).toEqual({ error: 'timed out after 100 ms' });
  });
});
