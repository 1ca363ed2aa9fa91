// The IAM credential report: one CSV row per user (and `<root_account>`), parsed with csv-parse.
import { parse } from 'csv-parse/sync';
import { DetailsFormatError, toIso } from './authz.ts';

export interface ReportKey {
  slot: 1 | 2;
  active: boolean;
  /** When the key was created (IAM keys are never changed in place). */
  lastRotated: string;
  /** null: never used (N/A). */
  lastUsed: string | null;
}

export interface CredentialReportRow {
  user: string;
  arn: string;
  userCreationTime: string;
  /** true/false; undefined for the root user (`not_supported`). */
  passwordEnabled?: boolean;
  /** null: never used; undefined: no information (IAM began tracking in 2014). */
  passwordLastUsed?: string | null;
  passwordLastChanged?: string;
  mfaActive: boolean;
  keys: ReportKey[];
  isRoot: boolean;
}

const REQUIRED = ['user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'mfa_active', 'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date'];

const ABSENT = new Set(['N/A', 'not_supported', 'no_information', '']);

/** The CSV from raw text, its base64, or the JSON `aws iam get-credential-report` prints. */
export const decodeCredentialReport = (input: string): string => {
  const trimmed = input.trim();
  if (trimmed.startsWith('{')) {
    const content = (JSON.parse(trimmed) as { Content?: unknown }).Content;
    if (typeof content !== 'string') throw new DetailsFormatError('expected the JSON of `aws iam get-credential-report` with a Content field');
    return decodeCredentialReport(content);
  }
  if (trimmed.startsWith('user,')) return trimmed;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  if (decoded.startsWith('user,')) return decoded;
  throw new DetailsFormatError('expected a credential report: CSV starting with the header `user,arn,…`, or its base64');
};

export const parseCredentialReport = (csv: string): CredentialReportRow[] => {
  const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = Object.keys(records[0] ?? {});
  if (records.length) {
    const missing = REQUIRED.filter((column) => !header.includes(column));
    if (missing.length) throw new DetailsFormatError(`credential report: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return records.map((r, i) => {
    const line = `credential report line ${i + 2}`;
    const time = (column: string): string | undefined => (ABSENT.has(r[column] ?? '') ? undefined : toIso(r[column], `${line} ${column}`));
    const lastUsed = (column: string): string | null | undefined =>
      r[column] === 'N/A' ? null : r[column] === 'no_information' || r[column] === undefined ? undefined : time(column);
    const keys: ReportKey[] = [];
    for (const slot of [1, 2] as const) {
      const rotated = time(`access_key_${slot}_last_rotated`);
      if (rotated === undefined) continue;
      keys.push({ slot, active: r[`access_key_${slot}_active`] === 'true', lastRotated: rotated, lastUsed: lastUsed(`access_key_${slot}_last_used_date`) ?? null });
    }
    const password = r.password_enabled;
    return {
      user: r.user ?? '',
      arn: r.arn ?? '',
      userCreationTime: toIso(r.user_creation_time, `${line} user_creation_time`),
      passwordEnabled: password === 'true' ? true : password === 'false' ? false : undefined,
      passwordLastUsed: lastUsed('password_last_used'),
      passwordLastChanged: time('password_last_changed'),
      mfaActive: r.mfa_active === 'true',
      keys,
      isRoot: r.user === '<root_account>',
    };
  });
};
