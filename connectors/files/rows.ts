// Reads list files (YAML, JSON, JSONL, CSV) into rows that remember their line numbers,
// so every validation problem can be reported as `<file>:<line>: <field>: <expected>`.
import { readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeError } from '../../src/errors.ts';

/** One record of a list file, with where it and its fields are. */
export interface Row {
  /** Plain value: numbers become their source text (an AWS account id keeps its leading zero), null becomes absent. */
  value: unknown;
  line: number;
  /** Line of a field (a path below the row), else of the row. */
  lineOf(path: readonly PropertyKey[]): number;
}

/** The path shown in messages: relative to the working directory when below it. */
export const displayPath = (file: string): string => {
  if (/^https?:\/\//.test(file) || !isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
};

/** The same file named twice (in the config and on the command line) is read once. */
export const uniquePaths = (paths: readonly string[]): string[] => {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = /^https?:\/\//i.test(path) ? path : resolve(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

export const problem = (file: string, line: number, field: string, message: string): string =>
  `${displayPath(file)}:${line}: ${field ? `${field}: ` : ''}${message}`;

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`)).join('');

/** Reads a file, turning "not found" and friends into a problem line instead of an exception. */
export const readText = async (file: string): Promise<{ text?: string; problem?: string }> => {
  try {
    // Editors on Windows often start files with a byte-order mark; no parser needs it.
    return { text: (await readFile(file, 'utf8')).replace(/^\uFEFF/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot be read: ${describeError(error)}`;
    return { problem: `${displayPath(file)}: ${why}` };
  }
};

// ---- YAML / JSON -------------------------------------------------------------------------

const plain = (node: unknown, doc: Document): unknown => {
  if (isAlias(node)) return plain(node.resolve(doc), doc);
  if (isScalar(node)) {
    const { value } = node;
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'number' || typeof value === 'bigint') return node.source ?? String(value);
    return value;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = plain(pair.key, doc);
      const value = plain(pair.value, doc);
      if (value !== undefined) out[String(key)] = value;
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => plain(item, doc));
  return undefined;
};

const lineFinder = (lineCounter: LineCounter, doc: Document) => {
  const lineAt = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  /** Line of the deepest node found along the path (the key of a map entry). */
  return (root: unknown, path: readonly PropertyKey[]): number | undefined => {
    let node = isAlias(root) ? root.resolve(doc) : root;
    let line = lineAt(node as Node);
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(part));
        if (!pair) break;
        line = lineAt(pair.key as Node) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
        line = lineAt(node as Node) ?? line;
      } else break;
      if (isAlias(node)) node = node.resolve(doc);
    }
    return line;
  };
};

export interface ParsedDocument {
  /** The document's root as plain data (absent on a syntax error). */
  value?: unknown;
  /** Rows of a list found at `path` below the root. */
  rowsAt(path: readonly PropertyKey[]): Row[];
  line(path: readonly PropertyKey[]): number;
}

/** Parses YAML, or JSON (YAML 1.2's JSON schema, plus JSON.parse for strictness), keeping positions. */
export const parseStructured = (file: string, text: string, json: boolean, problems: string[]): ParsedDocument | undefined => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, ...(json ? { schema: 'json' as const } : {}) });
  if (doc.errors.length) {
    for (const error of doc.errors) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      problems.push(problem(file, line, '', `syntax error: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`));
    }
    return undefined;
  }
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      const line = /\(line (\d+) column \d+\)/.exec(message)?.[1];
      const position = /at position (\d+)/.exec(message)?.[1];
      const at = line ? Number(line) : position ? lineCounter.linePos(Number(position)).line : 1;
      problems.push(problem(file, at, '', `syntax error: ${message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '')}`));
      return undefined;
    }
  }
  const find = lineFinder(lineCounter, doc);
  const root = doc.contents;
  const line = (path: readonly PropertyKey[]): number => find(root, path) ?? 1;
  return {
    value: plain(root, doc),
    line,
    rowsAt(path) {
      let node: unknown = root;
      for (const part of path) {
        node = isMap(node) ? node.get(part as string, true) : isSeq(node) ? node.get(part as number, true) : undefined;
        if (isAlias(node)) node = node.resolve(doc);
      }
      if (!isSeq(node)) return [];
      return node.items.map((item) => {
        const rowLine = find(item, []) ?? line(path);
        return { value: plain(item, doc), line: rowLine, lineOf: (fieldPath) => find(item, fieldPath) ?? rowLine };
      });
    },
  };
};

/** JSON numbers as text, like the YAML path does (a ticket `1234` is the string "1234"); null is absent. */
const numbersAsText = (value: unknown): unknown => {
  if (typeof value === 'number') return String(value);
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(numbersAsText);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (item === null ? [] : [[key, numbersAsText(item)]])));
  return value;
};

// ---- list files ----------------------------------------------------------------------------

export const LIST_EXTENSIONS = ['.yaml', '.yml', '.json', '.jsonl', '.csv'] as const;

/**
 * Rows of a list file, by extension: a YAML list, a JSON array, JSON lines or CSV with a header.
 * Problems (syntax, shape) are pushed; `what` names a row in messages ("grant", "shift").
 */
export const readListRows = (file: string, text: string, what: string, problems: string[]): Row[] => {
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml' || extension === '.json') {
    const json = extension === '.json';
    const parsed = parseStructured(file, text, json, problems);
    if (!parsed) return [];
    if (parsed.value === undefined) return [];
    if (!Array.isArray(parsed.value)) {
      problems.push(problem(file, parsed.line([]), '', `expected a ${json ? 'JSON array' : 'YAML list'} of ${what}s`));
      return [];
    }
    return parsed.rowsAt([]);
  }
  if (extension === '.jsonl') {
    const rows: Row[] = [];
    text.split(/\r?\n/).forEach((source, index) => {
      if (!source.trim()) return;
      const line = index + 1;
      try {
        rows.push({ value: numbersAsText(JSON.parse(source)), line, lineOf: () => line });
      } catch (error) {
        const message = ((error as Error).message.split('\n')[0] ?? '').replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '');
        problems.push(problem(file, line, '', `syntax error: ${message}`));
      }
    });
    return rows;
  }
  if (extension === '.csv') return readCsvRows(file, text, problems);
  problems.push(`${displayPath(file)}: unknown file type "${extension || basename(file)}", expected one of ${LIST_EXTENSIONS.join(', ')}`);
  return [];
};

const readCsvRows = (file: string, text: string, problems: string[]): Row[] => {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, info: true, bom: true, skip_empty_lines: true, trim: true }) as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    problems.push(problem(file, line, '', `syntax error: ${(error as Error).message.replace(/ (at|on) line \d+$/, '')}`));
    return [];
  }
  return records.map(({ record, info }) => {
    // An empty cell is an absent field.
    const value = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== ''));
    return { value, line: info.lines, lineOf: () => info.lines };
  });
};

/** Column names of a CSV file's header (to report an unknown column once, on line 1). */
export const csvHeader = (file: string, text: string): string[] | undefined => {
  if (extname(file).toLowerCase() !== '.csv') return undefined;
  try {
    const [header] = parseCsv(text, { bom: true, to_line: 1, trim: true }) as string[][];
    return header ?? [];
  } catch {
    return undefined;
  }
};

// ---- validation ------------------------------------------------------------------------------

export interface LineProblem {
  line: number;
  text: string;
}

/** zod issues of one row, each on the line of its field. */
export const issueProblems = (file: string, row: Row, issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): LineProblem[] =>
  issues.flatMap((issue) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path as PropertyKey[]];
    return paths.map((path) => {
      const line = row.lineOf([...base, ...path]);
      const message = issue.code === 'unrecognized_keys' ? unknownFieldMessage(String(path.at(-1)), issue) : issue.message;
      return { line, text: problem(file, line, formatPath(path), message) };
    });
  });

/** Problems in line order (stable: equal lines keep their order). */
export const byLine = (problems: LineProblem[]): string[] => [...problems].sort((a, b) => a.line - b.line).map(({ text }) => text);

/** zod issues of one row as `<file>:<line>: <field>: <message>`, in line order. */
export const rowIssues = (file: string, row: Row, issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): string[] =>
  byLine(issueProblems(file, row, issues, base));

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] ?? 0;
};

const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const unknownFieldMessage = (key: string, issue: z.core.$ZodIssue): string => unknownField(key, (issue as { known?: string[] }).known ?? []);

/** `unknown field "revoked_at" (did you mean "revokedAt"?)` */
export const unknownField = (key: string, known: readonly string[]): string => {
  const match = known.find((name) => squash(name) === squash(key)) ?? known.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown field "${key}"${match ? ` (did you mean "${match}"?)` : ''}`;
};

/** Attach the known field names to unrecognized-key issues so messages can suggest one. */
export const withKnownFields = (issues: z.core.$ZodIssue[], known: readonly string[]): z.core.$ZodIssue[] =>
  issues.map((issue) => (issue.code === 'unrecognized_keys' ? Object.assign({}, issue, { known: [...known] }) : issue));

// ---- values ---------------------------------------------------------------------------------


export const describeValue = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a map' : String(value);

export const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
export const PRINCIPAL_ID = /^(aws|github|kubernetes):\S+$/;
