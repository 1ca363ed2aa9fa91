// Exports of JIT tools (AWS TEAM, Teleport, Common Fate): a JSON array of records, or an object
// holding them under one list key. Each record keeps its line, for `file:line: field: …` messages.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { z } from 'zod';
import { resolvePath } from '../../src/config/paths.ts';
import { inputErrors } from '../../src/errors.ts';
import { byLine, issueProblems, parseStructured, problem, readText, type LineProblem, type Row } from './rows.ts';

/** The records of an export file; problems (unreadable, syntax, shape) are pushed. */
export const readExportRecords = async (file: string, listKeys: readonly string[], what: string, problems: string[]): Promise<Row[]> => {
  const { text, problem: unreadable } = await readText(file);
  if (unreadable !== undefined || text === undefined) {
    problems.push(unreadable ?? `${file}: cannot be read`);
    return [];
  }
  const parsed = parseStructured(file, text, true, problems);
  if (!parsed || parsed.value === undefined) return [];
  if (Array.isArray(parsed.value)) return parsed.rowsAt([]);
  const root = parsed.value as Record<string, unknown>;
  const key = listKeys.find((name) => Array.isArray(root[name]));
  if (key !== undefined) return parsed.rowsAt([key]);
  const expected = listKeys.length ? ` or an object with ${listKeys.map((name) => `"${name}"`).join(' or ')}` : '';
  problems.push(problem(file, parsed.line([]), '', `expected a JSON array of ${what}s${expected}`));
  return [];
};

const ATTRIBUTE_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);

/** A record in DynamoDB's typed JSON (`aws dynamodb scan` output: `{"id": {"S": "…"}}`) as plain values; numbers stay text (an account id keeps its leading zero). */
export const untyped = (value: unknown): unknown => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const fields = Object.values(value);
  const typed = fields.length > 0 && fields.every((field) => field && typeof field === 'object' && Object.keys(field).length === 1 && ATTRIBUTE_TYPES.has(Object.keys(field)[0]!));
  return typed ? unmarshall(value as Parameters<typeof unmarshall>[0], { wrapNumbers: (text: string) => text }) : value;
};

/** One record validated by a zod schema: the parsed value, or its problems on their lines. */
export const validateRecord = <Schema extends z.ZodType>(file: string, row: Row, schema: Schema, value: unknown = row.value): { data?: z.output<Schema>; problems: LineProblem[] } => {
  const result = schema.safeParse(value);
  return result.success ? { data: result.data, problems: [] } : { problems: issueProblems(file, row, result.error.issues) };
};


export interface ExportFormat<Schema extends z.ZodType> {
  /** The tool, for the error's title (`AWS TEAM export`). */
  tool: string;
  /** Keys an object may hold its records under (`Items`, `grants`). */
  listKeys: readonly string[];
  /** One record, for messages (`TEAM request`). */
  what: string;
  schema: Schema;
  /** Turns a record's raw value into what the schema reads (DynamoDB typed JSON, snake_case keys). */
  prepare?: (value: unknown) => unknown;
}

/**
 * Reads each export file (relative paths against baseDir) and hands every valid record to `each`,
 * then `done(file)` per file; every problem of every file is thrown at once as one InputError.
 */
export const readExports = async <Schema extends z.ZodType>(
  files: readonly string[],
  baseDir: string,
  format: ExportFormat<Schema>,
  each: (record: z.output<Schema>, file: string, line: number) => void,
  done: (file: string) => void = () => {},
): Promise<void> => {
  const problems: string[] = [];
  const lineProblems: LineProblem[] = [];
  for (const given of files) {
    const file = resolvePath(baseDir, given);
    for (const row of await readExportRecords(file, format.listKeys, format.what, problems)) {
      const checked = validateRecord(file, row, format.schema, format.prepare ? format.prepare(row.value) : row.value);
      for (const found of checked.problems) lineProblems.push(found);
      if (checked.data !== undefined) each(checked.data, file, row.line);
    }
    done(file);
  }
  const all = [...problems, ...byLine(lineProblems)];
  if (all.length) throw inputErrors(`${format.tool} export`, all);
};
