// The history and suppression sections of summary.md: resolved findings, entitlement drift,
// suppressed findings, expired and unmatched suppressions. Each list is capped; report.json has all.
import type { Finding } from '../src/model/index.ts';
import type { EntitlementChange, Report, SuppressionRef } from './types.ts';

/** Rows listed per section; the rest are counted. */
export const MAX_SECTION_ROWS = 25;

type Escape = (value: string | null | undefined) => string;

const row = (cells: string[]): string => `| ${cells.join(' | ')} |\n`;
const rule = (n: number): string => row(Array.from({ length: n }, () => '---'));

const capped = <T>(items: readonly T[], render: (item: T) => string): string => {
  const shown = items.slice(0, MAX_SECTION_ROWS).map(render).join('');
  return items.length > MAX_SECTION_ROWS ? `${shown}\n… and ${items.length - MAX_SECTION_ROWS} more — see report.json\n` : shown;
};

/** "open 3 days" for a finding with history, else nothing. */
export const ageText = (f: Pick<Finding, 'ageDays'>): string => (f.ageDays === undefined ? '' : `open ${f.ageDays} day${f.ageDays === 1 ? '' : 's'}`);

const entitlementRow = (e: EntitlementChange, escape: Escape): string =>
  row([escape(e.principal), `${escape(e.system)} ${escape(e.target)}`, escape(e.privilege), escape(e.resource), escape(e.level), escape(e.via)]);

const suppressionRow = (s: SuppressionRef, escape: Escape): string =>
  row([String(s.index), escape(s.rule ?? '*'), escape(s.principal ?? '*'), escape(s.target ?? '*'), escape(s.until), escape(s.owner), escape(s.ticket), escape(s.reason)]);

const resolvedSection = (report: Report, escape: Escape): string => {
  const resolved = report.drift?.resolved ?? [];
  if (resolved.length === 0) return '';
  const since = report.drift?.since ? ` (${escape(report.drift.since)})` : '';
  const head = `### ✅ Resolved since the previous run${since}\n\n${row(['Rule', 'Severity', 'Principal', 'Target', 'Privilege / credential', 'First seen'])}${rule(6)}`;
  return `${head}${capped(resolved, (f) =>
    row([escape(f.rule), f.severity, escape(f.principal), `${escape(f.system)} ${escape(f.target)}`, escape(f.credential !== undefined ? `credential ${f.credential}` : f.privilege), escape(f.firstSeen)]),
  )}\n`;
};

const entitlementSection = (report: Report, escape: Escape): string => {
  const drift = report.drift?.entitlements;
  if (!drift) return '';
  const header = `${row(['Principal', 'Target', 'Privilege', 'Resource', 'Level', 'Via'])}${rule(6)}`;
  const parts = [`### Privileged entitlements since the previous run: ${drift.added.length} added, ${drift.removed.length} removed\n\n`];
  if (drift.added.length) parts.push(`**Added**\n\n${header}${capped(drift.added, (e) => entitlementRow(e, escape))}\n`);
  if (drift.removed.length) parts.push(`**Removed**\n\n${header}${capped(drift.removed, (e) => entitlementRow(e, escape))}\n`);
  return parts.join('');
};

const suppressionSections = (report: Report, escape: Escape): string => {
  const parts: string[] = [];
  const header = `${row(['#', 'Rule', 'Principal', 'Target', 'Until', 'Owner', 'Ticket', 'Reason'])}${rule(8)}`;
  const expired = report.suppressions?.expired ?? [];
  if (expired.length) parts.push(`### ❌ Expired suppressions (${expired.length}): they no longer suppress, and fail the run\n\n${header}${capped(expired, (s) => suppressionRow(s, escape))}\n`);
  const suppressed = report.suppressed ?? [];
  if (suppressed.length)
    parts.push(
      `### Suppressed findings (${suppressed.length})\n\n${row(['Rule', 'Severity', 'Principal', 'Privilege / credential', 'Until', 'Owner', 'Reason'])}${rule(7)}${capped(suppressed, (f) =>
        row([escape(f.rule), f.severity, escape(f.principal), escape(f.credential !== undefined ? `credential ${f.credential}` : f.privilege), escape(f.suppression.until), escape(f.suppression.owner), escape(f.suppression.reason)]),
      )}\n`,
    );
  const unmatched = report.suppressions?.unmatched ?? [];
  if (unmatched.length) parts.push(`### Suppressions that matched nothing (${unmatched.length})\n\n${header}${capped(unmatched, (s) => suppressionRow(s, escape))}\n`);
  return parts.join('');
};

/** Everything summary.md says about history and suppressions, placed after the count tables. */
export const historyMarkdown = (report: Report, escape: Escape): string =>
  `${suppressionSections(report, escape)}${resolvedSection(report, escape)}${entitlementSection(report, escape)}`;
