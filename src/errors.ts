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

/** Message of an unknown thrown value, with its cause chain. */
export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : `: ${describeError(error.cause)}`;
  return `${error.message}${cause}`;
};

