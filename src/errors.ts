// Typed errors mapped to exit codes by the CLI (the only place that sets one).

/** Bad usage, config or input: exit 2, nothing scanned or revoked. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** Problems listed in an error's message; the rest are counted (all stay in `problems`). */
export const MAX_PROBLEMS_LISTED = 1000;

/** Several input problems found in one pass, reported together. */
export const inputErrors = (what: string, problems: string[]): InputError => {
  const listed = problems.length > MAX_PROBLEMS_LISTED ? [...problems.slice(0, MAX_PROBLEMS_LISTED), `… and ${problems.length - MAX_PROBLEMS_LISTED} more`] : problems;
  return new InputError(`${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${listed.join('\n  ')}`, problems);
};

/**
 * A failed request's message without what the answer carried: @kubernetes/client-node's
 * ApiException puts the whole body and every response header (Set-Cookie…) in its message;
 * only the status and the Status reason/message are kept.
 */
const withoutResponse = (error: Error): string => {
  const match = /^HTTP-Code: (\d+)\nMessage: ([^\n]*)/.exec(error.message);
  if (!match) return error.message;
  const body = (error as { body?: unknown }).body;
  let status: { reason?: unknown; message?: unknown } = {};
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed === 'object') status = parsed as typeof status;
  } catch {
    // not a Status: nothing of it is shown
  }
  const reason = typeof status.reason === 'string' ? ` ${status.reason}` : '';
  return `HTTP ${match[1]}${reason}${typeof status.message === 'string' ? `: ${status.message}` : ''}`;
};

/** Message of an unknown thrown value, with its cause chain (never a failed answer's headers or body). */
/** Credentials dutybound holds (tokens it read): never shown, even when an API echoes one back. */
const secrets = new Set<string>();

/** Remember a credential so that no message shows it (short values would mask ordinary words). */
export const registerSecret = (value: string | undefined): void => {
  if (value && value.length >= 8) secrets.add(value);
};

/** The text with every registered credential replaced by `***`. */
export const withoutSecrets = (text: string): string => {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '***');
  return out;
};

export const describeError = (error: unknown): string => withoutSecrets(describeErrorText(error));

const describeErrorText = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const message = withoutResponse(error);
  const cause = error.cause === undefined ? '' : describeErrorText(error.cause);
  // A wrapper that already quotes its cause's message does not repeat it.
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
};

