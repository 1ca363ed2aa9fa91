// Conditional GET between runs: a feed that has not changed answers 304 and its copy is used.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../../src/sim/server.ts';
import { feedCache } from './cache.ts';
import { fetchFeed } from './feed.ts';

const calendar = (version: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:platform\r\nX-DUTYBOUND-VERSION:${version}\r\nEND:VCALENDAR\r\n`;

describe('a feed cache (ical.cacheDir)', () => {
  let server: FakeServer;
  let version = 'v1';
  const seen: FakeRequest[] = [];
  beforeAll(async () => {
    server = await startFakeServer((request): FakeResponse => {
      seen.push(request);
      if (request.path.includes('/always-304/')) return { status: 304 };
      const etag = `"${version}"`;
      const lastModified = version === 'v1' ? 'Mon, 16 Nov 2026 08:00:00 GMT' : 'Tue, 17 Nov 2026 08:00:00 GMT';
      if (request.path.includes('/by-date/')) {
        if (request.headers['if-modified-since'] === lastModified) return { status: 304 };
        return { status: 200, headers: { 'content-type': 'text/calendar', 'last-modified': lastModified }, body: calendar(version) };
      }
      if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
      return { status: 200, headers: { 'content-type': 'text/calendar', etag }, body: calendar(version) };
    });
  });
  afterAll(() => server.close());

  it('sends the ETag it kept, uses its copy on 304, and takes the new feed when it changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-feeds-'));
    const url = `${server.url}/feeds/SECRET0token1/platform.ics`;
    version = 'v1';
    seen.length = 0;
    expect(await fetchFeed(url, { cache: feedCache(dir) })).toEqual({ text: calendar('v1') });
    expect(seen[0]?.headers['if-none-match']).toBeUndefined();
    expect(await fetchFeed(url, { cache: feedCache(dir) })).toEqual({ text: calendar('v1') });
    expect(seen[1]?.headers['if-none-match']).toBe('"v1"');
    version = 'v2';
    expect(await fetchFeed(url, { cache: feedCache(dir) })).toEqual({ text: calendar('v2') });
    expect(await fetchFeed(url, { cache: feedCache(dir) })).toEqual({ text: calendar('v2') });
    expect(seen.map((request) => request.headers['if-none-match'])).toEqual([undefined, '"v1"', '"v1"', '"v2"']);
    // Named by the URL's hash: the token in the URL is nowhere on disk.
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).not.toContain('SECRET0token1');
      expect(readFileSync(join(dir, file), 'utf8')).not.toContain('SECRET0token1');
    }
  });

  it('honours Last-Modified as well', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-feeds-'));
    const url = `${server.url}/by-date/platform.ics`;
    version = 'v1';
    seen.length = 0;
    await fetchFeed(url, { cache: feedCache(dir) });
    expect(await fetchFeed(url, { cache: feedCache(dir) })).toEqual({ text: calendar('v1') });
    expect(seen.map((request) => request.headers['if-modified-since'])).toEqual([undefined, 'Mon, 16 Nov 2026 08:00:00 GMT']);
  });

  it('fetches the whole feed without a cache, and a 304 it did not ask for is an error', async () => {
    version = 'v1';
    seen.length = 0;
    const url = `${server.url}/feeds/platform.ics`;
    expect(await fetchFeed(url)).toEqual({ text: calendar('v1') });
    expect(seen[0]?.headers['if-none-match']).toBeUndefined();
    expect(await fetchFeed(`${server.url}/always-304/platform.ics`)).toEqual({ error: expect.stringContaining('HTTP 304') });
  });
});
