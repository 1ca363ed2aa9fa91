import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/model/index.ts';
import { effectiveCatalogue, rulesMarkdown } from '../src/rules/index.ts';
import { findRealData } from '../test/realdata.ts';
import { findingUri, MAX_RESULTS_PER_RUN, sarifRenderer } from './sarif.ts';
import { renderToString } from './stream.ts';
import { hostileFinding, sampleFindings, sampleReport, sampleRules } from './test-fixtures.ts';
import type { Report } from './types.ts';

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it in the npm registry (JSON Schema 2020-12),
// and, where the real-format data lies beside the clone, the OASIS errata-01 text (draft-04).
const readSchema = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as object;
const compileWith = (ajv: InstanceType<typeof Ajv2020.default> | InstanceType<typeof AjvDraft04.default>, path: string) => {
  addFormats.default(ajv);
  return ajv.compile(readSchema(path));
};
const sdkSchema = createRequire(import.meta.url).resolve(`@microsoft/sarif-multitool-${process.platform}/sarif-2.1.0.json`);
const oasisSchema = findRealData('sarifSchema', 'the OASIS SARIF schema case of reports/sarif.test.ts (the SARIF SDK schema still runs)');
const validators = [
  { name: 'the SARIF SDK schema', validate: compileWith(new Ajv2020.default({ allErrors: true, strict: false }), sdkSchema) },
  ...(oasisSchema ? [{ name: 'the OASIS schema', validate: compileWith(new AjvDraft04.default({ allErrors: true, strict: false }), oasisSchema) }] : []),
];

interface SarifResult {
  ruleId: string; ruleIndex: number; level: string; message: { text: string };
  partialFingerprints: Record<string, string>;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  properties: Record<string, unknown>;
}
interface SarifRule { id: string; name: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: { 'security-severity': string; tags: string[] } }
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
    properties: Record<string, unknown> & { truncated?: { droppedResults: number; bySeverity: Record<string, number> } };
    results: SarifResult[];
  }[];
}

const context = { rules: sampleRules };
const render = async (report: Report): Promise<string> => renderToString(sarifRenderer, report, context);
const parse = async (report: Report): Promise<SarifLog> => JSON.parse(await render(report)) as SarifLog;

describe('report.sarif', () => {
  it.each(validators)('validates against the official SARIF 2.1.0 schema: $name', async ({ validate }) => {
    for (const report of [sampleReport(0), sampleReport(150, { failed: true }), sampleReport(0, { findings: [hostileFinding] }), sampleReport(40, { baseline: sampleReport(20) })]) {
      const ok = validate(JSON.parse(await render(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it.each(validators)('$name rejects a broken log (the validator is live)', async ({ validate }) => {
    const log = (await parse(sampleReport(3))) as unknown as { runs: { results: { level: string }[] }[] };
    (log.runs[0]?.results[0] as { level: string }).level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('describes every catalogue rule for GitHub', async () => {
    const log = await parse(sampleReport(5));
    const driver = log.runs[0]?.tool.driver;
    expect(log.runs).toHaveLength(1);
    expect(driver?.name).toBe('dutybound');
    expect(driver?.version).toBe('0.1.0');
    expect(driver?.informationUri).toMatch(/^https:\/\//);
    expect(driver?.rules.map((r) => r.id)).toEqual(sampleRules.map((r) => r.id));
    const revoked = driver?.rules.find((r) => r.id === 'revoked-grant');
    const meta = sampleRules.find((r) => r.id === 'revoked-grant');
    expect(revoked).toMatchObject({
      name: 'RevokedGrant',
      shortDescription: { text: meta?.title },
      fullDescription: { text: meta?.description },
      helpUri: 'https://github.com/dutybound/dutybound/blob/main/docs/rules.md#revoked-grant',
      help: { text: `${meta?.description}\n\nRemediation: ${meta?.remediation}`, markdown: expect.stringContaining(`**Remediation.** ${meta?.remediation}`) },
      defaultConfiguration: { level: 'error' },
    });
    const bySeverity = Object.fromEntries(driver?.rules.map((r) => [r.id, [r.properties['security-severity'], r.defaultConfiguration.level]]) ?? []);
    expect(bySeverity['revoked-grant']).toEqual(['9.5', 'error']);
    expect(bySeverity['off-call']).toEqual(['8.0', 'error']);
    expect(bySeverity['grant-hygiene']).toEqual(['5.5', 'warning']);
    expect(bySeverity['unused-privilege']).toEqual(['3.0', 'note']);
    for (const r of driver?.rules ?? []) {
      expect(typeof r.properties['security-severity']).toBe('string');
      expect(r.properties.tags).toContain('security');
    }
  });

  it('maps each finding to a result with its rule index, level, fingerprint and a stable location', async () => {
    const report = sampleReport(60);
    const log = await parse(report);
    const run = log.runs[0];
    expect(run?.results).toHaveLength(60);
    report.findings.forEach((f, i) => {
      const r = run?.results[i] as SarifResult;
      expect(r.ruleId).toBe(f.rule);
      expect(run?.tool.driver.rules[r.ruleIndex]?.id).toBe(f.rule);
      expect(r.level).toBe({ critical: 'error', high: 'error', medium: 'warning', low: 'note' }[f.severity]);
      expect(r.partialFingerprints).toEqual({ 'dutyboundFindingId/v1': f.id });
      expect(r.message.text.startsWith(f.message)).toBe(true);
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0]?.physicalLocation.region.startLine).toBe(1);
      expect(r.properties.person).toBe(f.person);
      expect(r.properties.grant).toBe(f.grant);
      expect(r.properties.credential).toBe(f.credential);
      expect(r.properties.since).toBe(f.since);
    });
  });

  it('carries a configured severity to the rule and to GitHub\'s security-severity', async () => {
    const rules = effectiveCatalogue({ 'standing-privilege': 'critical', 'unused-privilege': 'medium' });
    const log = JSON.parse(await renderToString(sarifRenderer, sampleReport(3), { rules })) as SarifLog;
    const of = (id: string) => log.runs[0]?.tool.driver.rules.find((rule) => rule.id === id);
    expect(of('standing-privilege')?.properties['security-severity']).toBe('9.5');
    expect(of('standing-privilege')?.defaultConfiguration.level).toBe('error');
    expect(of('unused-privilege')?.properties['security-severity']).toBe('5.5');
    expect(of('off-call')?.properties['security-severity']).toBe('8.0');
  });

  it('points a result at the ledger row of its grant when the repository holds it, and keeps the synthetic path otherwise', async () => {
    const report = sampleReport(0, { findings: sampleFindings(6) });
    const withGrant = report.findings.find((f) => f.grant !== undefined)!;
    const locate = (f: Finding) => (f.grant === withGrant.grant ? { uri: 'ledger/grants.yaml', line: 42 } : undefined);
    const results = (JSON.parse(await renderToString(sarifRenderer, report, { rules: sampleRules, locate })) as SarifLog).runs[0]!.results;
    const located = results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'ledger/grants.yaml');
    expect(located.length).toBeGreaterThan(0);
    for (const r of located) expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'ledger/grants.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 42 } });
    for (const r of results.filter((result) => !located.includes(result))) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^dutybound\//);
  });

  it('gives the evidence in the message\'s Markdown, inert', async () => {
    const [result] = (await parse(sampleReport(0, { findings: [hostileFinding] }))).runs[0]!.results as (SarifResult & { message: { markdown: string } })[];
    const markdown = result!.message.markdown;
    expect(markdown).not.toMatch(/<(script|img|b|i)\b/i);
    expect(markdown).not.toMatch(/(?<!\\)\]\(/);
    expect(markdown).toContain('- **&lt;b&gt;key&lt;/b&gt;**: &lt;i&gt;value&lt;/i&gt; \\| pipe');
    expect(markdown).toContain('- **shift**: line1<br>line2');
  });

  it('links each rule to its section of docs/rules.md, which is current', () => {
    const committed = readFileSync(fileURLToPath(new URL('../docs/rules.md', import.meta.url)), 'utf8');
    expect(committed, 'run npm run docs').toBe(rulesMarkdown());
    for (const meta of sampleRules) expect(committed).toContain(`\n## ${meta.id}\n`);
  });

  it('states new or unchanged against a baseline, and nothing without one', async () => {
    const findings = sampleFindings(10);
    const withBaseline = (await parse(sampleReport(0, { findings, baseline: sampleReport(0, { findings: findings.slice(4) }) }))).runs[0]?.results ?? [];
    const state = Object.fromEntries(withBaseline.map((r) => [r.partialFingerprints['dutyboundFindingId/v1'], (r as unknown as { baselineState: string }).baselineState]));
    for (const f of findings) expect(state[f.id], f.id).toBe(findings.indexOf(f) < 4 ? 'new' : 'unchanged');
    const without = (await parse(sampleReport(0, { findings }))).runs[0]?.results ?? [];
    expect(without.some((r) => 'baselineState' in r)).toBe(false);
  });

  it('builds location URIs from encoded segments, stable for the same finding', () => {
    const f: Finding = {
      id: 'x', rule: 'standing-privilege', severity: 'high', system: 'aws', target: '123456789012',
      principal: 'aws:arn:aws:iam::123456789012:user/alice smith', person: null, privilege: 'AdministratorAccess', resource: '*', message: 'm',
    };
    expect(findingUri(f)).toBe('dutybound/aws/123456789012/aws%3Aarn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice%20smith/AdministratorAccess');
    expect(findingUri({ ...f, resource: 'repo/a' })).toBe(`${findingUri(f)}/repo%2Fa`);
    expect(findingUri({ ...f, privilege: undefined, credential: 'aws:123456789012/AKIA1' })).toBe(
      'dutybound/aws/123456789012/aws%3Aarn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice%20smith/credential/aws%3A123456789012%2FAKIA1',
    );
    expect(findingUri({ ...f, message: 'other message', since: '2026-01-01T00:00:00Z' })).toBe(findingUri(f));
    expect(findingUri(hostileFinding)).not.toMatch(/[<>"|` ]/);
  });

  it('reports incomplete coverage as an unsuccessful invocation with a notification per bad row', async () => {
    const run = (await parse(sampleReport(2, { failed: true }))).runs[0];
    expect(run?.invocations[0]?.executionSuccessful).toBe(false);
    const notes = run?.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.level)).toEqual(['error', 'warning']);
    expect(notes[0]?.message.text).toContain('403 Resource not accessible');
    const ok = (await parse(sampleReport(2))).runs[0];
    expect(ok?.invocations[0]?.executionSuccessful).toBe(true);
    expect(ok?.invocations[0]?.toolExecutionNotifications).toEqual([]);
  });

  it(`keeps at most ${MAX_RESULTS_PER_RUN} results, dropping the least severe, and says so`, async () => {
    const report = sampleReport(MAX_RESULTS_PER_RUN + 1_234);
    const run = (await parse(report)).runs[0];
    expect(run?.results).toHaveLength(MAX_RESULTS_PER_RUN);
    const dropped = report.findings.slice(MAX_RESULTS_PER_RUN);
    expect(run?.properties.truncated?.droppedResults).toBe(1_234);
    expect(run?.properties.truncated?.bySeverity.low).toBe(dropped.filter((f) => f.severity === 'low').length);
    expect(run?.results.at(-1)?.partialFingerprints['dutyboundFindingId/v1']).toBe(report.findings[MAX_RESULTS_PER_RUN - 1]?.id);
    expect((await parse(sampleReport(10))).runs[0]?.properties.truncated).toBeUndefined();
  });

  it('is 2-space JSON and gives the same bytes for the same report', async () => {
    const findings = sampleFindings(80);
    const text = await render(sampleReport(0, { findings }));
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(await render(sampleReport(0, { findings: [...findings].reverse() }))).toBe(text);
  });
});
