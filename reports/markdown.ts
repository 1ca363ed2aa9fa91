// summary.md: a Markdown summary fit for $GITHUB_STEP_SUMMARY (GitHub keeps at most 1 MiB of it).
import { SEVERITIES } from '../src/model/index.ts';
import type { Coverage, Finding, Severity } from '../src/model/index.ts';
import { ageText, historyMarkdown } from './history-markdown.ts';
import { enforcementMarkdown } from './enforcement.ts';
import { write } from './stream.ts';
import type { Renderer, Report } from './types.ts';
import { terminalText } from '../src/commands/terminal.ts';

/** GitHub rejects a step summary of 1 MiB or more; stay below with room to spare. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 1024;
/** Room kept for the closing "… and N more findings" line. */
const TRAILER_BYTES = 512;
/** A single cell never takes more than this many characters (before escaping). */
const MAX_CELL_CHARS = 400;
/** Failed coverage rows listed in the headline; the rest are counted. */
const MAX_COVERAGE_ROWS = 50;

const icon: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };

/** U+2060 WORD JOINER: invisible, and breaks what GitHub would turn into a link or a notification. */
const JOIN = '\u2060';

/**
 * Escapes text for a GFM table cell: no HTML, no emphasis or links, no column breaks, one line.
 * Text from data cannot ping or link either: `@team` mentions, `#123` references, bare URLs
 * (`https://…`, `www.…`) and autolinked emails get an invisible joiner that GitHub does not match.
 */
export const escapeCell = (value: string | null | undefined, max = MAX_CELL_CHARS): string => {
  if (value === null || value === undefined || value === '') return '—';
  const text = terminalText((value.length > max ? `${value.slice(0, max)}…` : value).replace(/\r\n?/g, '\n'));
  return text
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${JOIN}`)
    .replace(/#(?=[\p{L}\p{N}_-])/gu, `#${JOIN}`)
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, `$1:${JOIN}//`)
    .replace(/\bwww\./gi, `www${JOIN}.`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>');
};

const row = (cells: string[]): string => `| ${cells.join(' | ')} |\n`;
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const coverageRow = (c: Coverage): string => row([escapeCell(c.system), escapeCell(c.target), c.status, escapeCell(c.error)]);

const where = (f: Finding): string => {
  if (f.credential !== undefined) return `credential ${escapeCell(f.credential)}`;
  const resource = f.resource !== undefined && f.resource !== '*' ? ` on ${escapeCell(f.resource)}` : '';
  return `${escapeCell(f.privilege)}${resource}`;
};

const findingRow = (f: Finding): string =>
  row([
    `${escapeCell(f.rule)}${f.new ? ' 🆕' : ''}`,
    escapeCell(f.principal),
    escapeCell(f.person),
    `${f.system} ${escapeCell(f.target)}`,
    where(f),
    [escapeCell(f.since), ageText(f)].filter((text) => text && text !== '—').join('<br>') || '—',
    escapeCell(f.message),
  ]);

const findingHeader = `${row(['Rule', 'Principal', 'Person', 'Target', 'Privilege / credential', 'Since', 'Message'])}${row(['---', '---', '---', '---', '---', '---', '---'])}`;

/** Findings not verified because a source they depend on failed: listed once, never counted as findings. */
const unverifiableSection = (bad: readonly Coverage[]): string => {
  const unique = new Map(bad.flatMap((c) => c.unverifiable ?? []).map((u) => [u.id, u]));
  if (!unique.size) return '';
  const parts = [
    `**${plural(unique.size, 'finding')} not verified:** each depends on shifts or ledger rows a source above did not give (missing duty data is not "nobody is on call", a missing ledger is not "nobody was approved").\n\n`,
    row(['Rule', 'Principal', 'Person', 'Privilege', 'Schedule']),
    row(['---', '---', '---', '---', '---']),
  ];
  const listed = [...unique.values()].slice(0, MAX_COVERAGE_ROWS);
  for (const u of listed) parts.push(row([escapeCell(u.rule), escapeCell(u.principal), escapeCell(u.person), escapeCell(u.privilege), escapeCell(u.schedule)]));
  if (unique.size > listed.length) parts.push(`\n… and ${unique.size - listed.length} more — see report.json\n`);
  parts.push('\n');
  return parts.join('');
};

/** The headline, coverage problems and the count tables: everything before the findings. */
const head = (report: Report, titles: ReadonlyMap<string, string>): string => {
  const parts: string[] = [];
  const count = plural(report.summary.findings, 'finding');
  parts.push(report.complete ? `## dutybound: ${count}, scan complete\n\n` : `## ⚠️ dutybound: scan INCOMPLETE, ${count}\n\n`);
  parts.push(`Evaluated at ${escapeCell(report.now)} by dutybound ${escapeCell(report.tool.version)}.\n\n`);
  const bad = report.coverage.filter((c) => c.status !== 'ok');
  if (bad.length > 0) {
    parts.push(`**Not everything was read: findings from these ${plural(bad.length, 'source')} are missing or partial.**\n\n`);
    parts.push(row(['System', 'Target', 'Status', 'Error']), row(['---', '---', '---', '---']));
    for (const c of bad.slice(0, MAX_COVERAGE_ROWS)) parts.push(coverageRow(c));
    if (bad.length > MAX_COVERAGE_ROWS) parts.push(`\n… and ${bad.length - MAX_COVERAGE_ROWS} more failed or partial — see report.json\n`);
    parts.push('\n', unverifiableSection(bad));
  }
  if (report.drift) {
    parts.push(`Since the previous run: ${report.drift.added.length} new, ${report.drift.removed.length} resolved.\n\n`);
  }
  parts.push('### By severity\n\n', row(['Severity', 'Findings']), row(['---', '--:']));
  for (const s of SEVERITIES) parts.push(row([`${icon[s]} ${s}`, String(report.summary.bySeverity[s])]));
  parts.push('\n### By rule\n\n', row(['Rule', 'Title', 'Findings']), row(['---', '---', '--:']));
  for (const [rule, n] of Object.entries(report.summary.byRule)) parts.push(row([escapeCell(rule), escapeCell(titles.get(rule)), String(n)]));
  parts.push('\n', historyMarkdown(report, escapeCell));
  parts.push('\n');
  parts.push(enforcementMarkdown(report, (value) => escapeCell(value)));
  return parts.join('');
};

/** The summary text, never MAX_SUMMARY_BYTES or more: findings past the budget are counted, not listed. */
export const summaryMarkdown = (report: Report, titles: ReadonlyMap<string, string>, maxBytes = MAX_SUMMARY_BYTES): string => {
  const parts = [head(report, titles)];
  let size = bytes(parts[0] as string);
  const budget = maxBytes - TRAILER_BYTES;
  const add = (text: string): boolean => {
    const n = bytes(text);
    if (size + n > budget) return false;
    parts.push(text);
    size += n;
    return true;
  };

  let listed = 0;
  if (report.findings.length > 0) add('### Findings\n');
  outer: for (const s of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    if (!add(`\n#### ${icon[s]} ${s[0]?.toUpperCase()}${s.slice(1)} (${group.length})\n\n${findingHeader}`)) break;
    for (const f of group) {
      if (!add(findingRow(f))) break outer;
      listed += 1;
    }
  }

  const omitted = report.findings.slice(listed);
  if (omitted.length > 0) {
    const bySeverity = SEVERITIES.map((s) => [s, omitted.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    parts.push(`\n… and ${plural(omitted.length, 'more finding')} (${bySeverity.join(', ')}) — see report.json\n`);
  }
  return parts.join('');
};

export const markdownRenderer = {
  format: 'md',
  fileName: 'summary.md',
  async render(report, out, context) {
    const titles = new Map(context.rules.map((r) => [r.id as string, r.title]));
    await write(out, summaryMarkdown(report, titles));
  },
} as const satisfies Renderer;
