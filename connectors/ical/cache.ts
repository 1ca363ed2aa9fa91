// A feed cache between runs (`ical.cacheDir`): each feed's last body with its ETag and
// Last-Modified, so the next run asks "changed since?" and an unchanged feed answers 304.
// Files are named by the sha256 of the URL: the URL's secrets never reach the disk.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CachedFeed {
  text: string;
  etag?: string;
  lastModified?: string;
}

export interface FeedCache {
  get(url: string): CachedFeed | undefined;
  put(url: string, feed: CachedFeed): void;
}

const keyOf = (url: string): string => createHash('sha256').update(url).digest('hex');

export const feedCache = (dir: string): FeedCache => ({
  get(url) {
    try {
      const meta = JSON.parse(readFileSync(join(dir, `${keyOf(url)}.json`), 'utf8')) as Omit<CachedFeed, 'text'>;
      return { ...meta, text: readFileSync(join(dir, `${keyOf(url)}.ics`), 'utf8') };
    } catch {
      // Absent or unreadable: fetch the whole feed, as without a cache.
      return undefined;
    }
  },
  put(url, { text, etag, lastModified }) {
    mkdirSync(dir, { recursive: true });
    const key = keyOf(url);
    // The body first, then its validators: a crash in between leaves validators of the older body, never newer ones.
    for (const [name, content] of [[`${key}.ics`, text], [`${key}.json`, JSON.stringify({ ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) })]] as const) {
      const temporary = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(temporary, content, { flag: 'w', mode: 0o600 });
      renameSync(temporary, join(dir, name));
    }
  },
});

/** The conditional-request headers for a cached feed. */
export const conditionalHeaders = (cached: CachedFeed | undefined): Record<string, string> => ({
  ...(cached?.etag ? { 'if-none-match': cached.etag } : {}),
  ...(cached?.lastModified ? { 'if-modified-since': cached.lastModified } : {}),
});
