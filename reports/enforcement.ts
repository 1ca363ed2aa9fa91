// The enforcement section for HTML and Markdown: planned / applied / refused / blocked by which guard.
import type { Report } from './types.ts';

interface SectionAction {
  id: string;
  status: string;
  rule: string;
  finding: string;
  findings: string[];
  principal: string;
  system: string;
  target: string;
  object: string;
  removes: string[];
  guard?: string;
  reason?: string;
  regranted?: { action: string; removedAt: string; by?: string };
}

interface Section {
  mode: string;
  enabled: boolean;
  rules: string[];
  blocked?: { guard: string; reason: string };
  summary: Record<string, number>;
  actions: SectionAction[];
  reconciled?: { action: string; status: string; reason: string }[];
  notes: string[];
}

const MODE_TEXT: Record<string, string> = {
  scan: 'What `dutybound enforce --apply` would do with these findings now (nothing was revoked by this scan).',
  plan: 'The plan of `dutybound enforce --plan`: nothing was revoked.',
  apply: 'What `dutybound enforce --apply` did.',
};

const whyOf = (action: SectionAction): string =>
  [
    action.guard ? `${action.guard}: ${action.reason ?? ''}` : action.reason,
    action.regranted ? `re-granted: removed by ${action.regranted.action} at ${action.regranted.removedAt}${action.regranted.by ? `, written back by ${action.regranted.by}` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');

/** The view both renderers read: the section with its counts as a list, or undefined when the report has none. */
export const enforcementView = (report: Report) => {
  const section = report.enforcement as Section | undefined;
  if (!section) return undefined;
  return {
    ...section,
    intro: MODE_TEXT[section.mode] ?? '',
    counts: Object.entries(section.summary).map(([status, count]) => ({ status, count })),
    actions: section.actions.map((action) => ({ ...action, removesText: action.removes.join(', '), why: whyOf(action) })),
    empty: section.actions.length === 0,
  };
};

/** Actions listed in the Markdown summary; the rest are counted (the summary has a size limit). */
const MAX_MARKDOWN_ACTIONS = 100;

/** The Markdown section; `cell` escapes one table cell. */
export const enforcementMarkdown = (report: Report, cell: (value: string | undefined) => string): string => {
  const view = enforcementView(report);
  if (!view) return '';
  const parts = [`### Enforcement (${view.mode})\n\n${cell(view.intro)}${view.enabled ? '' : ' enforce.enabled is off.'}\n\n`];
  if (view.blocked) parts.push(`**Blocked by guard ${cell(view.blocked.guard)}:** ${cell(view.blocked.reason)}\n\n`);
  parts.push(`${view.counts.map(({ status, count }) => `${count} ${status}`).join(' · ')}\n\n`);
  if (!view.empty) {
    parts.push('| Status | Action | Rule | Object | Removes | Why |\n| --- | --- | --- | --- | --- | --- |\n');
    for (const action of view.actions.slice(0, MAX_MARKDOWN_ACTIONS))
      parts.push(`| ${cell(action.status)} | ${cell(action.id)} | ${cell(action.rule)} | ${cell(action.object)} | ${cell(action.removesText)} | ${cell(action.why)} |\n`);
    if (view.actions.length > MAX_MARKDOWN_ACTIONS) parts.push(`\n… and ${view.actions.length - MAX_MARKDOWN_ACTIONS} more actions — see report.json\n`);
    parts.push('\n');
  }
  for (const item of view.reconciled ?? []) parts.push(`- reconciled ${cell(item.action)}: ${cell(item.status)} — ${cell(item.reason)}\n`);
  for (const note of view.notes) parts.push(`- ${cell(note)}\n`);
  return parts.join('');
};
