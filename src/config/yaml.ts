// The one way dutybound reads YAML (and JSON with positions): config, ledger, schedule and
// people files all come through here, so every document is bounded in size and in alias
// expansion (a "billion laughs" file is an input error, not gigabytes of memory), and every
// problem carries its line.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A YAML or JSON document larger than this is refused (larger ledgers: CSV or JSON lines, read as a stream). */
export const MAX_DOCUMENT_BYTES = 128 * 1024 * 1024;
/** Nodes an alias may bring in beyond the document's own, at least (aliases may at most about double the data). */
export const MIN_ALIAS_BUDGET = 100_000;
/** `toJS`'s own alias limit, for documents turned into plain JS (the config). */
export const MAX_ALIAS_COUNT = 100;

export interface YamlProblem {
  line: number;
  message: string;
}

/** Thrown when aliases would expand a document past its budget; carries the alias's line. */
export class AliasLimitError extends Error {
  readonly line: number;
  constructor(line: number) {
    super('too many aliases: expanding them would exceed the size limit (a recursive or "billion laughs" document?)');
    this.line = line;
  }
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Line of a byte offset. */
  lineAt(offset: number): number;
  /** Line of the deepest node found along a path from `root` (default: the document's root). */
  lineOf(path: readonly PropertyKey[], root?: unknown): number | undefined;
  /** A node as plain data with aliases expanded within the budget; throws AliasLimitError past it. */
  plain(node: unknown, convert?: (scalar: unknown, source: string | undefined) => unknown): unknown;
  /** The root as plain JavaScript (numbers stay numbers), within yaml's own alias limit. */
  toJs(): { value?: unknown; problem?: YamlProblem };
}

export const documentTooLarge = (bytes: number, limit = MAX_DOCUMENT_BYTES): string =>
  `document too large: over ${Math.floor(bytes / 1024 / 1024)} MiB, the limit is ${limit / 1024 / 1024} MiB (a ledger that large: CSV or JSON lines, read as a stream)`;

/** Parses YAML (or JSON: YAML 1.2's JSON schema) with positions; syntax problems come back with their lines. */
export const parseYaml = (text: string, { json = false } = {}): { parsed?: ParsedYaml; problems: YamlProblem[] } => {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_DOCUMENT_BYTES) return { problems: [{ line: 1, message: documentTooLarge(bytes) }] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, ...(json ? { schema: 'json' as const } : {}) });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  if (doc.errors.length)
    return {
      problems: doc.errors.map((error) => ({
        line: error.linePos?.[0].line ?? lineAt(error.pos[0]),
        message: `syntax error: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  const nodeLine = (node: unknown): number | undefined => ((node as Node | null | undefined)?.range ? lineAt((node as Node).range![0]) : undefined);
  let budget = Math.max(MIN_ALIAS_BUDGET, text.length);

  /** `alias`: the line of the outermost alias being expanded (reported when the budget runs out). */
  const plain = (node: unknown, convert: (scalar: unknown, source: string | undefined) => unknown, alias?: number): unknown => {
    if (alias !== undefined && --budget < 0) throw new AliasLimitError(alias);
    if (isAlias(node)) {
      const line = alias ?? nodeLine(node) ?? 1;
      const target = node.resolve(doc);
      if (!target || --budget < 0) throw new AliasLimitError(line);
      return plain(target, convert, line);
    }
    if (isScalar(node)) return convert(node.value, node.source as string | undefined);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = plain(pair.key, convert, alias);
        const value = plain(pair.value, convert, alias);
        if (value !== undefined) out[String(key)] = value;
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => plain(item, convert, alias));
    return undefined;
  };

  const lineOf = (path: readonly PropertyKey[], root: unknown = doc.contents): number | undefined => {
    let node = isAlias(root) ? root.resolve(doc) : root;
    let line = nodeLine(node);
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(part));
        if (!pair) break;
        line = nodeLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
        line = nodeLine(node) ?? line;
      } else break;
      if (isAlias(node)) node = node.resolve(doc);
    }
    return line;
  };

  const toJs = (): { value?: unknown; problem?: YamlProblem } => {
    try {
      return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (error) {
      const alias = firstAliasLine(doc, lineAt);
      return { problem: { line: alias ?? 1, message: `${(error as Error).message.replace(/\.$/, '')} (at most ${MAX_ALIAS_COUNT} alias expansions)` } };
    }
  };

  return { problems: [], parsed: { doc, lineCounter, lineAt, lineOf, toJs, plain: (node, convert = (value) => value) => plain(node, convert) } };
};

const firstAliasLine = (doc: Document, lineAt: (offset: number) => number): number | undefined => {
  let found: number | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined || !node) return;
    if (isAlias(node)) {
      found = node.range ? lineAt(node.range[0]) : undefined;
      return;
    }
    if (isMap(node))
      for (const pair of node.items) {
        visit(pair.key);
        visit(pair.value);
      }
    else if (isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(doc.contents);
  return found;
};
