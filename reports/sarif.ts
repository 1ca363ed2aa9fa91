// report.sarif: SARIF 2.1.0 for GitHub code scanning (one run; rule descriptors from the catalogue).
import { SEVERITIES } from '../src/model/index.ts';
import type { Coverage, Finding, Severity } from '../src/model/index.ts';
import type { RuleMeta } from '../src/rules/types.ts';
import { escapeCell } from './markdown.ts';
import { ChunkWriter } from './stream.ts';
import type { Drift, RenderContext, Renderer, Report, SourceLocation, SuppressedFinding } from './types.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The driver's informationUri: where users read about dutybound. */
export const INFORMATION_URI = 'https://github.com/dutybound/dutybound';
/** GitHub code scanning accepts at most this many results per run. */
export const MAX_RESULTS_PER_RUN = 25_000;
/** GitHub keeps at most 20 tags per rule. */
const MAX_TAGS = 20;

type Level = 'error' | 'warning' | 'note';

/** GitHub's security-severity scale (a string): over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
export const securitySeverity: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
export const sarifLevel: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

const ruleName = (id: string): string => id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());

const ruleTags = (rule: RuleMeta): string[] =>
  ['security', 'privileged-access', ...(rule.id.includes('credential') ? ['credentials'] : []), ...(rule.id.includes('grant') || rule.id === 'off-call' ? ['just-in-time'] : [])].slice(0, MAX_TAGS);

/** Where each rule is explained: its section of docs/rules.md. */
export const ruleHelpUri = (id: string): string => `${INFORMATION_URI}/blob/main/docs/rules.md#${id}`;

const descriptor = (rule: RuleMeta) => ({
  id: rule.id,
  name: ruleName(rule.id),
  shortDescription: { text: rule.title },
  fullDescription: { text: rule.description },
  helpUri: ruleHelpUri(rule.id),
  help: {
    text: `${rule.description}\n\nRemediation: ${rule.remediation}`,
    markdown: `**${rule.title}** (default severity: ${rule.severity})\n\n${rule.description}\n\n**Remediation.** ${rule.remediation}\n\n[Rule reference](${ruleHelpUri(rule.id)})`,
  },
  defaultConfiguration: { level: sarifLevel[rule.severity] },
  properties: { 'security-severity': securitySeverity[rule.severity], tags: ruleTags(rule), precision: 'high' },
});

/** A finding of a rule missing from the catalogue still needs a descriptor for its ruleIndex. */
const bareDescriptor = (id: string) => ({ id, name: ruleName(id), shortDescription: { text: id }, properties: { tags: ['security', 'privileged-access'] } });

/**
 * A stable synthetic location for a finding: dutybound/<system>/<target>/<principal>[/<credential> | /<privilege>[/<resource>]],
 * each segment encodeURIComponent'ed. Findings live in accounts and orgs, not files; code scanning needs a path.
 */
export const findingUri = (f: Finding): string => {
  const segments = ['dutybound', f.system, f.target, f.principal];
  if (f.credential !== undefined) segments.push('credential', f.credential);
  else if (f.privilege !== undefined) {
    segments.push(f.privilege);
    if (f.resource !== undefined && f.resource !== '*') segments.push(f.resource);
  }
  return segments.map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
};

const definedOnly = (entries: [string, unknown][]): Record<string, unknown> =>
  Object.fromEntries(entries.filter(([, v]) => v !== undefined));

/** Text from a system or a file, inert in Markdown (the summary's cell escaping, without its length cap). */
const inertMarkdown = (text: string): string => escapeCell(text, Number.POSITIVE_INFINITY);

/** The message as Markdown: the finding, then its evidence as a list (code scanning shows it in the alert). */
const messageMarkdown = (f: Finding): string => {
  const evidence = Object.entries(f.evidence ?? {}).map(([key, value]) => `- **${inertMarkdown(key)}**: ${inertMarkdown(value)}`);
  return [inertMarkdown(f.message), ...(evidence.length ? ['', ...evidence] : []), ...(f.remediation ? ['', `**Remediation.** ${inertMarkdown(f.remediation)}`] : [])].join('\n');
};

/** The repository file and line of the decisive evidence (a ledger row), else the stable synthetic path. */
const physicalLocation = (f: Finding, at: SourceLocation | undefined) =>
  at ? { artifactLocation: { uri: at.uri, uriBaseId: '%SRCROOT%' }, region: { startLine: at.line } } : { artifactLocation: { uri: findingUri(f) }, region: { startLine: 1 } };

const result = (f: Finding, ruleIndex: number, locate: RenderContext['locate']) => ({
  ruleId: f.rule,
  ruleIndex,
  level: sarifLevel[f.severity],
  message: { text: f.remediation ? `${f.message}\n\nRemediation: ${f.remediation}` : f.message, markdown: messageMarkdown(f) },
  partialFingerprints: { 'dutyboundFindingId/v1': f.id },
  // Only against a baseline: SARIF's own word for new vs. still present.
  ...(f.new === undefined ? {} : { baselineState: f.new ? 'new' : 'unchanged' }),
  locations: [
    {
      physicalLocation: physicalLocation(f, locate?.(f)),
      logicalLocations: [{ fullyQualifiedName: f.principal }],
    },
  ],
  properties: definedOnly([
    ['severity', f.severity],
    ['system', f.system],
    ['target', f.target],
    ['principal', f.principal],
    ['person', f.person],
    ['privilege', f.privilege],
    ['resource', f.resource],
    ['grant', f.grant],
    ['credential', f.credential],
    ['schedule', f.schedule],
    ['since', f.since],
    ['new', f.new],
    ['firstSeen', f.firstSeen],
    ['ageDays', f.ageDays],
    ['evidence', f.evidence],
  ]),
});

/** A suppressed finding: a result code scanning shows as dismissed, with the suppression's reason, owner and expiry. */
const suppressedResult = (f: SuppressedFinding, ruleIndex: number, locate: RenderContext['locate']) => ({
  ...result(f, ruleIndex, locate),
  suppressions: [
    {
      kind: 'external',
      status: 'accepted',
      justification: `${f.suppression.reason} (owner ${f.suppression.owner}${f.suppression.ticket ? `, ticket ${f.suppression.ticket}` : ''}, until ${f.suppression.until})`,
    },
  ],
});

const notification = (c: Coverage) => ({
  level: c.status === 'failed' ? 'error' : 'warning',
  message: { text: `${c.system} ${c.target}: ${c.status}${c.error ? `: ${c.error}` : ''}` },
  descriptor: { id: `coverage-${c.status}` },
  properties: { system: c.system, target: c.target, status: c.status },
});

/** Drift as run properties: the counts, and the privileged entitlements added and removed (they are not results). */
const driftProperties = (drift: Drift) =>
  definedOnly([
    ['since', drift.since],
    ['added', drift.added.length],
    ['removed', drift.removed.length],
    ['resolved', drift.resolved],
    ['entitlements', drift.entitlements],
  ]);

/** SARIF times are UTC; an unreadable time is left out rather than invented. */
const utc = (iso: string): string | undefined => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

export const sarifRenderer = {
  format: 'sarif',
  fileName: 'report.sarif',
  async render(report: Report, out, context) {
    const rules = context.rules.map(descriptor);
    const ruleIndex = new Map<string, number>(context.rules.map((r, i) => [r.id, i]));
    const suppressed = (report.suppressed ?? []).slice(0, Math.max(0, MAX_RESULTS_PER_RUN - report.findings.length));
    for (const f of [...report.findings, ...suppressed]) {
      if (!ruleIndex.has(f.rule)) {
        ruleIndex.set(f.rule, rules.length);
        rules.push(bareDescriptor(f.rule) as (typeof rules)[number]);
      }
    }

    // Findings are sorted most severe first, so truncation drops the least severe.
    const kept = report.findings.slice(0, MAX_RESULTS_PER_RUN);
    const dropped = report.findings.slice(MAX_RESULTS_PER_RUN);
    const droppedBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, dropped.filter((f) => f.severity === s).length]));

    const run = {
      tool: {
        driver: {
          name: 'dutybound',
          version: report.tool.version,
          semanticVersion: report.tool.version,
          informationUri: INFORMATION_URI,
          rules,
        },
      },
      invocations: [
        definedOnly([
          ['executionSuccessful', report.complete],
          ['endTimeUtc', utc(report.generatedAt)],
          ['toolExecutionNotifications', report.coverage.filter((c) => c.status !== 'ok').map(notification)],
        ]),
      ],
      columnKind: 'utf16CodeUnits',
      properties: definedOnly([
        ['now', report.now],
        ['complete', report.complete],
        ['findings', report.summary.findings],
        ['truncated', dropped.length > 0
          ? { droppedResults: dropped.length, bySeverity: droppedBySeverity, limit: MAX_RESULTS_PER_RUN, note: `${dropped.length} least severe findings are not in this file (GitHub keeps at most ${MAX_RESULTS_PER_RUN} results per run); see report.json.` }
          : undefined],
        ['drift', report.drift ? driftProperties(report.drift) : undefined],
        ['suppressions', report.suppressions],
      ]),
      results: [] as unknown[],
    };

    // Everything but the results, then the results one at a time: the bytes equal JSON.stringify(log, null, 2).
    const head = JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] }, null, 2);
    const marker = '"results": []';
    const at = head.lastIndexOf(marker);
    const writer = new ChunkWriter(out);
    await writer.push(head.slice(0, at + marker.length - 1));
    for (let i = 0; i < kept.length; i++) {
      const f = kept[i] as Finding;
      const json = JSON.stringify(result(f, ruleIndex.get(f.rule) as number, context.locate), null, 2).replace(/\n/g, '\n        ');
      await writer.push(`${i === 0 ? '' : ','}\n        ${json}`);
    }
    for (const [i, f] of suppressed.entries()) {
      const json = JSON.stringify(suppressedResult(f, ruleIndex.get(f.rule) as number, context.locate), null, 2).replace(/\n/g, '\n        ');
      await writer.push(`${kept.length + i === 0 ? '' : ','}\n        ${json}`);
    }
    await writer.push(`${kept.length + suppressed.length === 0 ? '' : '\n      '}]${head.slice(at + marker.length)}\n`);
    await writer.flush();
  },
} as const satisfies Renderer;
