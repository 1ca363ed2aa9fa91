// report.html: one self-contained page (inline CSS, no scripts, nothing fetched), rendered from templates/*.hbs.
import { existsSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { inertStrings } from '../src/commands/terminal.ts';
import { SEVERITIES } from '../src/model/index.ts';
import type { Coverage, Finding, Severity } from '../src/model/index.ts';
import type { RuleMeta } from '../src/rules/types.ts';
import { ageText } from './history-markdown.ts';
import { enforcementView } from './enforcement.ts';
import { ChunkWriter } from './stream.ts';
import type { Renderer, Report } from './types.ts';

const TEMPLATE_NAMES = ['document-start', 'severity-start', 'finding', 'severity-end', 'document-end'] as const;
type TemplateName = (typeof TEMPLATE_NAMES)[number];
type Templates = Record<TemplateName, Handlebars.TemplateDelegate>;

/** Beside this file; from the compiled build (dist/reports/), the source folder's templates. */
const templateDir = (): URL => {
  const beside = new URL('./templates/', import.meta.url);
  return existsSync(beside) ? beside : new URL('../../reports/templates/', import.meta.url);
};

let compiled: Templates | undefined;

/** Reads and compiles the templates once, on first use. Only built-in helpers; every `{{ }}` escapes. */
export const templates = (): Templates => {
  if (compiled) return compiled;
  const dir = templateDir();
  const read = (name: string): string => readFileSync(new URL(`${name}.hbs`, dir), 'utf8');
  const env = Handlebars.create();
  for (const partial of ['styles', 'history', 'suppression-table', 'entitlement-table']) env.registerPartial(partial.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), read(partial));
  const options: CompileOptions = { knownHelpersOnly: true, preventIndent: true };
  compiled = Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, env.compile(read(name), options)])) as Templates;
  return compiled;
};

const plural = (n: number): string => (n === 1 ? 'finding' : 'findings');

const findingView = (f: Finding, titles: ReadonlyMap<string, string>, actions: ReadonlyMap<string, { id: string; status: string }>) => ({
  id: f.id,
  rule: f.rule,
  ruleTitle: titles.get(f.rule) ?? f.rule,
  severity: f.severity,
  isNew: f.new === true,
  system: f.system,
  target: f.target,
  principal: f.principal,
  person: f.person,
  privilege: f.privilege,
  // `*` is scope-wide: the privilege alone says it.
  resource: f.resource === '*' ? undefined : f.resource,
  credential: f.credential,
  grant: f.grant,
  schedule: f.schedule,
  since: f.since,
  age: ageText(f),
  message: f.message,
  remediation: f.remediation,
  evidence: Object.entries(f.evidence ?? {}).map(([key, value]) => ({ key, value })),
  action: actions.get(f.id),
});

const headView = (report: Report, rules: readonly RuleMeta[], titles: ReadonlyMap<string, string>) => ({
  version: report.tool.version,
  now: report.now,
  generatedAt: report.generatedAt,
  complete: report.complete,
  coverageCount: report.coverage.length,
  incomplete: report.coverage.filter((c: Coverage) => c.status !== 'ok'),
  total: report.summary.findings,
  severities: SEVERITIES.map((severity) => ({ severity, count: report.summary.bySeverity[severity] })),
  byRule: Object.entries(report.summary.byRule).map(([rule, count]) => ({ rule, title: titles.get(rule) ?? rule, count })),
  drift: report.drift ? { added: report.drift.added.length, removed: report.drift.removed.length, removedIds: report.drift.removed } : undefined,
  coverage: report.coverage,
  rules,
  history: {
    since: report.drift?.since,
    resolved: report.drift?.resolved ?? [],
    entitlements: report.drift?.entitlements,
    suppressed: report.suppressed ?? [],
    suppressions: report.suppressions,
  },
  enforcement: enforcementView(report),
});

export const htmlRenderer = {
  format: 'html',
  fileName: 'report.html',
  async render(given, out, context) {
    // Control characters from data (an OSC 8 link in a grant id) are shown, not written raw.
    const report = inertStrings(given);
    const t = templates();
    const titles = new Map(context.rules.map((r) => [r.id as string, r.title]));
    const view = headView(report, context.rules, titles);
    const actionsByFinding = new Map((view.enforcement?.actions ?? []).flatMap((action) => action.findings.map((id) => [id, action] as const)));
    const writer = new ChunkWriter(out);
    await writer.push(t['document-start'](view));
    // Findings are sorted by severity: each run of one severity is one section, rendered row by row.
    const groups = new Map<Severity, Finding[]>(SEVERITIES.map((s) => [s, []]));
    for (const f of report.findings) groups.get(f.severity)?.push(f);
    for (const [severity, findings] of groups) {
      if (findings.length === 0) continue;
      await writer.push(t['severity-start']({ severity, count: findings.length, label: plural(findings.length) }));
      for (const f of findings) await writer.push(t.finding(findingView(f, titles, actionsByFinding)));
      await writer.push(t['severity-end']({}));
    }
    await writer.push(t['document-end'](view));
    await writer.flush();
  },
} as const satisfies Renderer;
