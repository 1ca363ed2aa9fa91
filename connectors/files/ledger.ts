// The grant ledger: who may hold what, when, approved by whom (DESIGN.md "Grant ledger").
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { inputErrors } from '../../src/errors.ts';
import { GRANT_KINDS, SYSTEMS, type Grant } from '../../src/model/index.ts';
import { compactGrant, isoOf, isoTime, oneOf, subject, text } from './fields.ts';
import { parseIsoWithOffset } from '../../src/model/time.ts';
import { byLine, displayPath, EMAIL, issueProblems, PRINCIPAL_ID, problem, readListRows, unknownColumns, uniquePaths, withKnownFields } from './rows.ts';
import { appendAll } from '../../src/model/collections.ts';

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


const toGrant = (row: z.output<typeof grantRowSchema>, source: string, origin?: Grant['origin']): Grant => {
  const grant: Grant = {
    id: row.id,
    subject: row.subject,
    system: row.system,
    target: row.target,
    resource: row.resource,
    privilege: row.privilege,
    start: isoOf(row.start),
    end: isoOf(row.end),
    kind: row.kind,
    onCall: typeof row.onCall === 'object' ? row.onCall.schedule : row.onCall,
    onCallMaxLevel: typeof row.onCall === 'object' ? row.onCall.maxLevel : undefined,
    approver: row.approver !== undefined && EMAIL.test(row.approver) && !PRINCIPAL_ID.test(row.approver) ? row.approver.toLowerCase() : row.approver,
    ticket: row.ticket,
    reason: row.reason,
    revokedAt: isoOf(row.revokedAt),
    reviewBy: isoOf(row.reviewBy),
    source,
    origin,
  };
  return compactGrant(grant);
};

/** Grants read so far, and where each id was first seen (for duplicates across files). */
interface LedgerSink {
  grants: Grant[];
  /** Files in the order read; `firstById` points into it. */
  files: string[];
  firstById: Map<string, { file: number; line: number }>;
  problems: string[];
}

const readGrantsOfFile = async (file: string, sink: LedgerSink): Promise<void> => {
  const { problems } = sink;
  const fileIndex = sink.files.push(file) - 1;
  const name = basename(file);
  // A file with nothing in it is more likely cut short than a ledger with no grants (that is `[]`).
  const size = await stat(file).then((info) => (info.isFile() ? info.size : undefined), () => undefined);
  if (size === 0) return void problems.push(`${displayPath(file)}: empty file, expected grants (write [] for a ledger with no grants)`);
  const columns = unknownColumns(file, GRANT_FIELDS, problems);
  for await (const row of readListRows(file, { what: 'grant', problems, onHeader: columns.onHeader })) {
    const value = columns.strip(row.value);
    const result = grantRowSchema.safeParse(value);
    const issues = result.success ? [] : issueProblems(file, row, withKnownFields(result.error.issues, GRANT_FIELDS));
    const cross = value && typeof value === 'object' && !Array.isArray(value) ? crossFieldProblems(value as Record<string, unknown>) : [];
    const crossProblems = cross.map(({ field, message }) => ({ line: row.lineOf([field]), text: problem(file, row.lineOf([field]), field, message) }));
    appendAll(problems, byLine([...issues, ...crossProblems]));
    if (!result.success || crossProblems.length) continue;
    const grant = toGrant(result.data, `${name}:${row.line}`, { file, line: row.line });
    const first = sink.firstById.get(grant.id);
    if (first !== undefined) {
      const there = `${displayPath(sink.files[first.file]!)}:${first.line}`;
      problems.push(`${problem(file, row.lineOf(['id']), 'id', `duplicate id ${JSON.stringify(grant.id)}`)}, also at ${there}`);
      continue;
    }
    sink.firstById.set(grant.id, { file: fileIndex, line: row.lineOf(['id']) });
    sink.grants.push(grant);
  }
};

/**
 * Reads ledger files (YAML list, JSON array, JSONL, CSV); every problem in every file is reported in one InputError.
 * CSV and JSONL files are streamed: only the grants themselves are kept, never the file's text.
 */
export const loadLedger = async (given: string[]): Promise<Grant[]> => {
  const sink: LedgerSink = { grants: [], files: [], firstById: new Map(), problems: [] };
  // One file after the other: ids are unique across files, and the first one read wins.
  for (const file of uniquePaths(given)) await readGrantsOfFile(file, sink);
  if (sink.problems.length) throw inputErrors('ledger', sink.problems);
  return sink.grants;
};
