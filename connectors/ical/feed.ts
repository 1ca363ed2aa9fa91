// Fetching ICS feeds over http(s). A feed that cannot be fetched is incomplete coverage, not an exception.
import { describeError } from '../../src/errors.ts';

export const FEED_TIMEOUT_MS = 30_000;

export const isFeedUrl = (path: string): boolean => /^(https?|webcals?):\/\//i.test(path);

/** `webcal://` and `webcals://` (what PagerDuty, Google and Outlook hand out) are https feeds. */
export const fetchableUrl = (url: string): string => url.replace(/^webcals?:\/\//i, 'https://');

/** A path segment that looks like a secret: calendar feeds often carry their token in the path. */
const secretSegment = (segment: string, previous: string | undefined): boolean =>
  previous?.toLowerCase() === 'private' ||
  /^private-/i.test(segment) ||
  (segment.length >= 20 && /[a-z]/i.test(segment) && /\d/.test(segment) && !/\.(ics|ical|ifb)$/i.test(segment));

/** The URL without credentials: userinfo, query values, fragment and token-like path segments become `***`. */
export const redactUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(invalid URL)';
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, '***');
  url.hash = '';
  const segments = url.pathname.split('/');
  url.pathname = segments.map((segment, index) => (secretSegment(decodeURIComponent(segment), segments[index - 1]) ? '***' : segment)).join('/');
  return url.toString().replaceAll('%2A%2A%2A', '***');
};

/** GET a feed: its text, or why it could not be read (never the URL's secrets). */
export const fetchFeed = async (url: string, timeoutMs = FEED_TIMEOUT_MS): Promise<{ text: string } | { error: string }> => {
  let target: URL;
  try {
    target = new URL(fetchableUrl(url));
  } catch {
    return { error: 'invalid URL' };
  }
  const redact = (message: string): string => message.replaceAll(url, redactUrl(url)).replaceAll(target.href, redactUrl(url));
  try {
    // fetch refuses credentials in a URL: send them as HTTP Basic authentication instead.
    const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5' };
    if (target.username || target.password) {
      const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
      headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
      target.username = '';
      target.password = '';
    }
    const response = await fetch(target, { signal: AbortSignal.timeout(timeoutMs), headers });
    if (!response.ok) {
      await response.body?.cancel();
      return { error: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
    }
    return { text: (await response.text()).replace(/^\uFEFF/, '') };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      return { error: `timed out after ${timeoutMs % 1000 ? `${timeoutMs} ms` : `${timeoutMs / 1000} s`}` };
    return { error: redact(describeError(error)) };
  }
};
