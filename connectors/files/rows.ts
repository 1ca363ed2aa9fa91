// Reads list files (YAML, JSON, JSONL, CSV) into rows that remember their line numbers,
// so every validation problem can be reported as `<file>:<line>: <field>: <expected>`.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseCsvStream } from 'csv-parse';
import { isAlias, isMap, isSeq } from 'yaml';
import type { z } from 'zod';
import { AliasLimitError, documentTooLarge, MAX_DOCUMENT_BYTES, parseYaml } from '../../src/config/yaml.ts';
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

const whyUnreadable = (file: string, error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot be read: ${describeError(error)}`;
  return `${displayPath(file)}: ${why}`;
};

/**
 * Reads a whole file, up to MAX_DOCUMENT_BYTES (a larger file, /dev/zero or an endless FIFO is a
 * problem line, not gigabytes of memory); "not found" and friends are a problem line too.
 */
export const readText = async (file: string, maxBytes = MAX_DOCUMENT_BYTES): Promise<{ text?: string; problem?: string }> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) return { problem: `${displayPath(file)}:1: ${documentTooLarge(bytes, maxBytes)}` };
      chunks.push(chunk);
    }
  } catch (error) {
    return { problem: whyUnreadable(file, error) };
  }
  // Editors on Windows often start files with a byte-order mark; no parser needs it.
  return { text: Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '') };
};

// ---- YAML / JSON -------------------------------------------------------------------------

/** Numbers become their source text (an AWS account id keeps its leading zero), null becomes absent. */
const scalarAsText = (value: unknown, source: string | undefined): unknown =>
  value === null || value === undefined ? undefined : typeof value === 'number' || typeof value === 'bigint' ? (source ?? String(value)) : value;

export interface ParsedDocument {
  /** The document's root as plain data (absent on a syntax error). */
  value?: unknown;
  /** Rows of a list found at `path` below the root. */
  rowsAt(path: readonly PropertyKey[]): Row[];
  line(path: readonly PropertyKey[]): number;
}

/** Parses YAML, or JSON (YAML 1.2's JSON schema, plus JSON.parse for strictness), keeping positions. */
export const parseStructured = (file: string, text: string, json: boolean, problems: string[], lineOffset = 0): ParsedDocument | undefined => {
  const { parsed, problems: found } = parseYaml(text, { json });
  for (const { line, message } of found) problems.push(problem(file, line + lineOffset, '', message));
  if (!parsed) return undefined;
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      const line = /\(line (\d+) column \d+\)/.exec(message)?.[1];
      const position = /at position (\d+)/.exec(message)?.[1];
      const at = line ? Number(line) : position ? parsed.lineAt(Number(position)) : 1;
      problems.push(problem(file, at, '', `syntax error: ${message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '')}`));
      return undefined;
    }
  }
  const { doc } = parsed;
  const root = doc.contents;
  const lineOf = (path: readonly PropertyKey[], node?: unknown): number | undefined => {
    const found = node === undefined ? parsed.lineOf(path) : parsed.lineOf(path, node);
    return found === undefined ? undefined : found + lineOffset;
  };
  const line = (path: readonly PropertyKey[]): number => lineOf(path) ?? 1 + lineOffset;
  let value: unknown;
  try {
    value = parsed.plain(root, scalarAsText);
  } catch (error) {
    if (!(error instanceof AliasLimitError)) throw error;
    problems.push(problem(file, error.line + lineOffset, '', error.message));
    return undefined;
  }
  return {
    value,
    line,
    rowsAt(path) {
      let node: unknown = root;
      for (const part of path) {
        node = isMap(node) ? node.get(part as string, true) : isSeq(node) ? node.get(part as number, true) : undefined;
        if (isAlias(node)) node = node.resolve(doc);
      }
      if (!isSeq(node)) return [];
      // The whole document was expanded once above within the alias budget; rows take their part of that value.
      const values = plain(value, path);
      return node.items.map((item, index) => {
        const rowLine = lineOf([], item) ?? line(path);
        return { value: Array.isArray(values) ? values[index] : undefined, line: rowLine, lineOf: (fieldPath) => lineOf(fieldPath, item) ?? rowLine };
      });
    },
  };
};

const plain = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined), value);

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
/** A CSV record or JSON line longer than this is refused (a file without line breaks is not a ledger). */
export const MAX_RECORD_BYTES = 1 << 20;

export interface ListReadOptions {
  /** `what` names a row in messages ("grant", "shift"). */
  what: string;
  /** Problems (syntax, shape) are pushed here. */
  problems: string[];
  /** A CSV file's column names, before its first row. */
  onHeader?: (columns: string[]) => void;
}

/**
 * Rows of a list file, by extension: a YAML list, a JSON array, JSON lines or CSV with a header.
 * CSV and JSON lines are read as a stream, a record at a time, so a ledger of millions of rows
 * never sits in memory as text; YAML and JSON are read whole, within MAX_DOCUMENT_BYTES.
 */
export async function* readListRows(file: string, options: ListReadOptions): AsyncGenerator<Row> {
  const { what, problems } = options;
  const extension = extname(file).toLowerCase();
  if (extension === '.jsonl') return yield* jsonLineRows(file, problems);
  if (extension === '.csv') return yield* csvRows(file, options);
  if (extension !== '.yaml' && extension !== '.yml' && extension !== '.json') {
    problems.push(`${displayPath(file)}: unknown file type "${extension || basename(file)}", expected one of ${LIST_EXTENSIONS.join(', ')}`);
    return;
  }
  const { text, problem: unreadable } = await readText(file);
  if (text === undefined) return void problems.push(unreadable ?? `${displayPath(file)}: cannot be read`);
  const json = extension === '.json';
  const chunks = json ? undefined : yamlListChunks(text);
  if (chunks) {
    for (const chunk of chunks) yield* parseStructured(file, chunk.text, false, problems, chunk.firstLine - 1)?.rowsAt([]) ?? [];
    return;
  }
  const parsed = parseStructured(file, text, json, problems);
  if (!parsed || parsed.value === undefined) return;
  if (!Array.isArray(parsed.value)) {
    problems.push(problem(file, parsed.line([]), '', `expected a ${json ? 'JSON array' : 'YAML list'} of ${what}s`));
    return;
  }
  yield* parsed.rowsAt([]);
}

/** A YAML list larger than this is parsed a slice of items at a time when its shape allows… */
export const YAML_SLICED_ABOVE_BYTES = 4 * 1024 * 1024;
/** …each slice about this large (a syntax tree takes some 80 times its text). */
export const YAML_SLICE_BYTES = 512 * 1024;

/**
 * A large YAML list cut into slices of whole items, each a valid list on its own, so that a
 * 50 MB ledger never becomes one syntax tree of gigabytes. Only for the plain shape a ledger
 * has: a top-level block sequence (`- ` at column 0) with no anchors or aliases (which may
 * reach across items), directives or document markers. Otherwise undefined: parse it whole.
 */
export const yamlListChunks = (text: string, sliceBytes = YAML_SLICE_BYTES, above = YAML_SLICED_ABOVE_BYTES): { text: string; firstLine: number }[] | undefined => {
  if (text.length <= above || /^(---|\.\.\.|%)/m.test(text) || /(^|[\s[{,])[&*]\S/m.test(text)) return undefined;
  const chunks: { text: string; firstLine: number }[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let seenItem = false;
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at);
    const next = end < 0 ? text.length : end + 1;
    const isItem = text[at] === '-' && (text[at + 1] === ' ' || text[at + 1] === '\n' || text[at + 1] === '\r' || at + 1 === text.length);
    if (!seenItem && !isItem && !/^\s*(#.*)?$/.test(text.slice(at, next).trimEnd())) return undefined;
    if (isItem) {
      if (seenItem && at - start >= sliceBytes) {
        chunks.push({ text: text.slice(start, at), firstLine: startLine });
        start = at;
        startLine = line;
      }
      seenItem = true;
    } else if (seenItem && text[at] !== undefined && !/[\s#]/.test(text[at]!)) return undefined;
    at = next;
    line += 1;
  }
  chunks.push({ text: text.slice(start), firstLine: startLine });
  return seenItem ? chunks : undefined;
};

/** Lines of a file as a stream, each with its number; a line past MAX_RECORD_BYTES is a problem and ends the read. */
async function* fileLines(file: string, problems: string[]): AsyncGenerator<{ text: string; line: number }> {
  let pending = '';
  let line = 0;
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>;
    for await (const chunk of stream) {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        line += 1;
        yield { text: pending.slice(0, newline).replace(/\r$/, ''), line };
        pending = pending.slice(newline + 1);
      }
      if (pending.length > MAX_RECORD_BYTES) {
        problems.push(problem(file, line + 1, '', `line longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`));
        return;
      }
    }
  } catch (error) {
    problems.push(whyUnreadable(file, error));
    return;
  }
  if (pending) yield { text: pending.replace(/\r$/, ''), line: line + 1 };
}

/**
 * The first key written twice in one object of `text` (already valid JSON), if any. JSON.parse keeps
 * the last, so `"revokedAt": "…", …, "revokedAt": null` would silently undo a revocation.
 */
export const duplicateJsonKey = (text: string): string | undefined => {
  const objects: (Set<string> | undefined)[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '{') objects.push(new Set());
    else if (char === '[') objects.push(undefined);
    else if (char === '}' || char === ']') objects.pop();
    else if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      const keys = objects.at(-1);
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      index = end;
    }
  }
  return undefined;
};

async function* jsonLineRows(file: string, problems: string[]): AsyncGenerator<Row> {
  for await (const { text, line } of fileLines(file, problems)) {
    const source = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (!source.trim()) continue;
    try {
      const value = JSON.parse(source) as unknown;
      const repeated = duplicateJsonKey(source);
      if (repeated !== undefined) {
        problems.push(problem(file, line, repeated, 'written twice in one object (which one counts would be a guess)'));
        continue;
      }
      yield { value: numbersAsText(value), line, lineOf: () => line };
    } catch (error) {
      const message = ((error as Error).message.split('\n')[0] ?? '').replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '');
      problems.push(problem(file, line, '', `syntax error: ${message}`));
    }
  }
}

async function* csvRows(file: string, { problems, onHeader }: ListReadOptions): AsyncGenerator<Row> {
  const parser = parseCsvStream({
      columns: (header: string[]) => {
        // A column named twice: one cell would silently override the other (an empty revokedAt, say).
        for (const [index, name] of header.entries()) if (header.indexOf(name) !== index) problems.push(problem(file, 1, name, 'column appears twice in the header'));
        onHeader?.(header);
        return header;
      },
      info: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_RECORD_BYTES,
  });
  // pipeline, not pipe: a file that cannot be read fails the parser, and so the loop below.
  pipeline(createReadStream(file), parser, () => undefined);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // An empty cell is an absent field.
      const value = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== ''));
      yield { value, line: info.lines, lineOf: () => info.lines };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('CSV_')) return void problems.push(whyUnreadable(file, error));
    const line = (error as { lines?: number }).lines ?? 1;
    problems.push(problem(file, line, '', `syntax error: ${(error as Error).message.replace(/ (at|on) line \d+$/, '')}`));
  } finally {
    parser.destroy();
  }
}

/**
 * Unknown CSV columns, reported once on line 1 and dropped from every row (so each row does not
 * repeat the same problem): pass `onHeader` to readListRows and each row's value through `strip`.
 */
export const unknownColumns = (file: string, known: readonly string[], problems: string[]) => {
  const unknown = new Set<string>();
  return {
    onHeader(columns: string[]): void {
      for (const column of columns.filter((name) => !known.includes(name))) {
        if (unknown.has(column)) continue;
        unknown.add(column);
        problems.push(problem(file, 1, column, unknownField(column, known)));
      }
    },
    strip(value: unknown): unknown {
      if (!unknown.size || !value || typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).filter(([key]) => !unknown.has(key)));
    },
  };
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
