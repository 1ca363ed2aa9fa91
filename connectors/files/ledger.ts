// The grant ledger: who may hold what, when, approved by whom (DESIGN.md "Grant ledger").
import { basename } from 'node:path';
import { z } from 'zod';
import { inputErrors } from '../../src/errors.ts';
import { GRANT_KINDS, SYSTEMS, type Grant } from '../../src/model/index.ts';
import { isoTime, oneOf, subject, text } from './fields.ts';
import { parseIsoWithOffset } from '../../src/model/time.ts';
import { csvHeader, EMAIL, PRINCIPAL_ID, problem, readListRows, readText, byLine, issueProblems, unknownField, uniquePaths, withKnownFields, type Row } from './rows.ts';

// Numbers arrive as their source text (see rows.ts), so a level is a whole number written either way.
const escalationLevel = z.union([z.number().int().min(1), z.string().regex(/^[1-9]\d*$/).transform(Number)], {
  error: (issue) => `expected an escalation level (a whole number, 1 = first responders), got ${JSON.stringify(issue.input)}`,
});

/** `onCall`: a schedule name, or `{ schedule, maxLevel }` (only shifts at that escalation level or lower count). */
const onCallField = () =>
  z.union([text(), z.strictObject({ schedule: text(), maxLevel: escalationLevel })], {
    error: (issue) => (issue.code === 'invalid_union' ? 'expected a schedule name or { schedule, maxLevel }' : undefined),
  });

export const grantRowSchema = z.strictObject(
  {
    id: text(),
    subject: subject(),
    system: oneOf(SYSTEMS),
    target: text().default('*'),
    resource: text().default('*'),
    privilege: text().default('*'),
    start: isoTime().optional(),
    end: isoTime().optional(),
    kind: oneOf(GRANT_KINDS).default('temporary'),
    onCall: onCallField().optional(),
    approver: text().optional(),
    ticket: text().optional(),
    reason: text().optional(),
    revokedAt: isoTime().optional(),
    reviewBy: isoTime().optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? `expected a map of grant fields, got ${Array.isArray(issue.input) ? 'a list' : typeof issue.input}` : undefined) },
);

const GRANT_FIELDS = Object.keys(grantRowSchema.shape);

const instant = (value: unknown): Date | undefined => (typeof value === 'string' ? parseIsoWithOffset(value) : undefined);

/** Rules across fields, checked on the raw row so they are reported with the field errors. */
const crossFieldProblems = (raw: Record<string, unknown>): { field: string; message: string }[] => {
  const found: { field: string; message: string }[] = [];
  const kind = raw.kind ?? 'temporary';
  if (kind !== 'standing') {
    if (raw.start === undefined) found.push({ field: 'start', message: `required (only a standing grant may omit it)` });
    if (raw.end === undefined) found.push({ field: 'end', message: `required (only a standing grant may omit it)` });
  } else if (raw.reviewBy === undefined) {
    found.push({ field: 'reviewBy', message: 'required for kind standing (when the exception must be reviewed)' });
  }
  const start = instant(raw.start);
  const end = instant(raw.end);
  if (start && end && end <= start) found.push({ field: 'end', message: `must be after start (${String(raw.start)}), got ${JSON.stringify(raw.end)}` });
  return found;
};

const toIso = (value: string | undefined): string | undefined => (value === undefined ? undefined : parseIsoWithOffset(value)?.toISOString());

const toGrant = (row: z.output<typeof grantRowSchema>, source: string): Grant => {
  const grant: Grant = {
    id: row.id,
    subject: row.subject,
    system: row.system,
    target: row.target,
    resource: row.resource,
    privilege: row.privilege,
    start: toIso(row.start),
    end: toIso(row.end),
    kind: row.kind,
    onCall: typeof row.onCall === 'object' ? row.onCall.schedule : row.onCall,
    onCallMaxLevel: typeof row.onCall === 'object' ? row.onCall.maxLevel : undefined,
    approver: row.approver !== undefined && EMAIL.test(row.approver) && !PRINCIPAL_ID.test(row.approver) ? row.approver.toLowerCase() : row.approver,
    ticket: row.ticket,
    reason: row.reason,
    revokedAt: toIso(row.revokedAt),
    reviewBy: toIso(row.reviewBy),
    source,
  };
  return Object.fromEntries(Object.entries(grant).filter(([, value]) => value !== undefined)) as unknown as Grant;
};

interface Located {
  grant: Grant;
  file: string;
  row: Row;
}

const grantsOfFile = (file: string, text: string, problems: string[]): Located[] => {
  const rows = readListRows(file, text, 'grant', problems);
  const header = csvHeader(file, text);
  const unknownColumns = new Set((header ?? []).filter((column) => !GRANT_FIELDS.includes(column)));
  for (const column of unknownColumns) problems.push(problem(file, 1, column, unknownField(column, GRANT_FIELDS)));
  const located: Located[] = [];
  for (const row of rows) {
    let value = row.value;
    if (unknownColumns.size && value && typeof value === 'object')
      value = Object.fromEntries(Object.entries(value).filter(([key]) => !unknownColumns.has(key)));
    const result = grantRowSchema.safeParse(value);
    const issues = result.success ? [] : issueProblems(file, row, withKnownFields(result.error.issues, GRANT_FIELDS));
    const cross = value && typeof value === 'object' && !Array.isArray(value) ? crossFieldProblems(value as Record<string, unknown>) : [];
    const crossProblems = cross.map(({ field, message }) => ({ line: row.lineOf([field]), text: problem(file, row.lineOf([field]), field, message) }));
    problems.push(...byLine([...issues, ...crossProblems]));
    if (result.success && !crossProblems.length) located.push({ grant: toGrant(result.data, `${basename(file)}:${row.line}`), file, row });
  }
  return located;
};

/** Reads ledger files (YAML list, JSON array, JSONL, CSV); every problem in every file is reported in one InputError. */
export const loadLedger = async (given: string[]): Promise<Grant[]> => {
  const paths = uniquePaths(given);
  const problems: string[] = [];
  const texts = await Promise.all(paths.map((path) => readText(path)));
  const located: Located[] = [];
  paths.forEach((file, index) => {
    const { text, problem: unreadable } = texts[index] ?? {};
    if (unreadable) problems.push(unreadable);
    if (text !== undefined) located.push(...grantsOfFile(file, text, problems));
  });
  const firstById = new Map<string, Located>();
  for (const entry of located) {
    const first = firstById.get(entry.grant.id);
    if (!first) {
      firstById.set(entry.grant.id, entry);
      continue;
    }
    const here = problem(entry.file, entry.row.lineOf(['id']), 'id', `duplicate id ${JSON.stringify(entry.grant.id)}`);
    const there = problem(first.file, first.row.lineOf(['id']), '', '').replace(/: $/, '');
    problems.push(`${here}, also at ${there}`);
  }
  if (problems.length) throw inputErrors('ledger', problems);
  return located.map(({ grant }) => grant);
};
