// Fetching ICS feeds over http(s), under the network deadlines, retry budget and body cap. A feed
// that cannot be fetched is incomplete coverage, not an exception. Feed URLs often carry their
// secret in the path or the query, so a URL is only ever shown redacted.
import { describeError } from '../../src/errors.ts';
import { readCapped, TargetNetwork, withRetries, type NetworkSettings } from '../network.ts';
import type { Logger } from '../types.ts';
import { conditionalHeaders, type FeedCache } from './cache.ts';

export const isFeedUrl = (path: string): boolean => /^(https?|webcals?):\/\//i.test(path);

/** `webcal://` and `webcals://` (what PagerDuty, Google and Outlook hand out) are https feeds. */
export const fetchableUrl = (url: string): string => url.replace(/^webcals?:\/\//i, 'https://');

/**
 * Path segments shown as they are: the words calendar and on-call feeds are made of, API
 * versions, and those words with a calendar extension. Every other segment (ids, tokens,
 * names) is redacted, whatever its length or alphabet.
 */
const SAFE_WORDS = new Set([
  'api', 'basic', 'cal', 'calendar', 'calendars', 'export', 'exports', 'feed', 'feeds', 'ical', 'ics', 'oncall', 'on-call',
  'private', 'public', 'rotation', 'rotations', 'schedule', 'schedules', 'shifts', 'team', 'teams', 'webcal',
]);
const safeSegment = (segment: string): boolean => {
  const lower = segment.toLowerCase();
  const stem = lower.replace(/\.(ics|ical|ifb)$/, '');
  return segment === '' || SAFE_WORDS.has(stem) || /^v\d{1,2}$/.test(lower);
};
/** Query keys shown (their values never are): lower-case words, when they carry a value. */
const safeKey = (key: string, value: string): boolean => value !== '' && /^[a-z][a-z_-]{0,23}$/.test(key);

/**
 * The URL as it may be printed: scheme, host and port; user info, every query value, the
 * fragment and every path segment not on the short list of known-safe words become `***`.
 */
export const redactUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(invalid URL)';
  }
  const userInfo = url.username || url.password ? '***@' : '';
  const path = url.pathname
    .split('/')
    .map((segment) => (safeSegment(decodeSafely(segment)) ? segment : '***'))
    .join('/');
  const query = [...url.searchParams].map(([key, value]) => (safeKey(key, value) ? `${key}=***` : '***')).join('&');
  return `${url.protocol}//${userInfo}${url.host}${path}${query ? `?${query}` : ''}`;
};

const decodeSafely = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export interface FeedOptions {
  network?: NetworkSettings;
  /** Where feeds are kept between runs (`ical.cacheDir`): ETag / Last-Modified are sent, a 304 reuses the copy. */
  cache?: FeedCache;
  /** The scan's deadline. */
  signal?: AbortSignal;
  log?: Logger;
}

/** An HTTP answer that is not a feed: its status (retried when 429 or 5xx). */
class FeedStatus extends Error {
  readonly status: number;
  readonly retryAfter: string | null;
  constructor(status: number, statusText: string, retryAfter: string | null) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** GET a feed: its text, or why it could not be read (never the URL's secrets). Never throws. */
export const fetchFeed = async (url: string, options: FeedOptions = {}): Promise<{ text: string } | { error: string }> => {
  let target: URL;
  try {
    target = new URL(fetchableUrl(url));
  } catch {
    return { error: 'invalid URL' };
  }
  const shown = redactUrl(url);
  const redact = (message: string): string => message.replaceAll(url, shown).replaceAll(target.href, shown);
  // fetch refuses credentials in a URL: send them as HTTP Basic authentication instead.
  const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5' };
  if (target.username || target.password) {
    const user = `${decodeSafely(target.username)}:${decodeSafely(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const net = new TargetNetwork(`schedule ${shown}`, options.network, options.log, options.signal);
  const cached = options.cache?.get(url);
  net.started();
  try {
    const answer = await withRetries(net, 'GET', async (signal) => {
      const response = await fetch(target, { signal, headers: { ...headers, ...conditionalHeaders(cached) } });
      if (response.status === 304 && cached) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FeedStatus(response.status, response.statusText, response.headers.get('retry-after'));
      }
      const validators = { etag: response.headers.get('etag') ?? undefined, lastModified: response.headers.get('last-modified') ?? undefined };
      return { body: await readCapped(response.body, net.maxBytes), ...validators };
    });
    net.done();
    if (!answer) {
      options.log?.debug(`schedule ${shown}: not modified since the cached copy`);
      return { text: cached!.text };
    }
    const text = answer.body.toString('utf8').replace(/^\uFEFF/, '');
    if (options.cache && (answer.etag || answer.lastModified)) options.cache.put(url, { text, etag: answer.etag, lastModified: answer.lastModified });
    return { text };
  } catch (error) {
    net.done('failed');
    return { error: redact(describeError(error)) };
  }
};
