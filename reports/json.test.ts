import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../src/model/index.ts';
import { renderToString } from './stream.ts';
import { jsonRenderer, toContract } from './json.ts';
import { hostileFinding, sampleFindings, sampleReport, sampleRules } from './test-fixtures.ts';
import type { Report } from './types.ts';
import { enforcementSection } from '../src/enforce/report.ts';
import type { EnforceAction } from '../src/enforce/types.ts';

const sampleActions: EnforceAction[] = [
  { id: 'a1', rule: 'expired-grant', finding: 'f1', findings: ['f1'], grant: 'G-1', system: 'aws', target: '123456789012', principal: 'aws:arn:aws:iam::123456789012:user/bob', privilege: 'AdministratorAccess', resource: '*', revoker: 'aws-detach-managed-policy', object: 'detach AdministratorAccess', removes: ['AdministratorAccess'], status: 'verified' },
  { id: 'a2', rule: 'expired-grant', finding: 'f2', findings: ['f2'], system: 'github', target: 'acme', principal: 'github:acme/alice', object: 'org owner', removes: [], status: 'refused', reason: 'protected: one of the last 2 owners' },
];

const schema = JSON.parse(readFileSync(new URL('./schema/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const context = { rules: sampleRules };
const render = async (report: Report): Promise<string> => renderToString(jsonRenderer, report, context);

describe('report.json', () => {
  it('is 2-space JSON with a trailing newline, equal to the contract object', async () => {
    const report = sampleReport(40, { failed: true });
    const text = await render(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(`${JSON.stringify(toContract(report), null, 2)}\n`);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,');
  });

  it('keeps the contract key order and writes no undefined fields', async () => {
    const report = sampleReport(30, { baseline: sampleReport(10) });
    const parsed = JSON.parse(await render(report)) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'tool', 'now', 'generatedAt', 'complete', 'coverage', 'summary', 'findings', 'drift']);
    const order = ['id', 'rule', 'severity', 'system', 'target', 'principal', 'person', 'privilege', 'resource', 'grant', 'credential', 'schedule', 'since', 'new', 'message', 'remediation', 'evidence'];
    for (const f of parsed.findings) {
      const keys = Object.keys(f);
      expect(keys).toEqual(order.filter((k) => keys.includes(k)));
      expect(Object.values(f).includes(undefined)).toBe(false);
    }
    // A finding built with explicit undefined fields loses them, and person defaults to null.
    const sparse = { ...hostileFinding, grant: undefined, person: undefined } as unknown as Report['findings'][number];
    const one = JSON.parse(await render(sampleReport(0, { findings: [sparse] }))) as { findings: Record<string, unknown>[] };
    expect(one.findings[0]).not.toHaveProperty('grant');
    expect(one.findings[0]?.person).toBeNull();
  });

  it('validates against the report schema for several finding sets', async () => {
    const reports = [
      sampleReport(0),
      sampleReport(1),
      sampleReport(250, { failed: true }),
      sampleReport(60, { baseline: sampleReport(30) }),
      sampleReport(0, { findings: [hostileFinding] }),
      { ...sampleReport(3), enforcement: { ...enforcementSection({ mode: 'apply', enabled: true, rules: ['expired-grant'], actions: sampleActions, blocked: { guard: 'maxActions', reason: 'too many' } }) } },
    ];
    for (const report of reports) {
      const ok = validate(JSON.parse(await render(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects an enforcement section that breaks the contract', async () => {
    const section = enforcementSection({ mode: 'plan', enabled: false, rules: ['off-call'], actions: sampleActions });
    expect(validate(JSON.parse(await render({ ...sampleReport(1), enforcement: { ...section } })))).toBe(true);
    const unknownStatus = { ...section, actions: [{ ...section.actions[0], status: 'deleted' }] };
    expect(validate(JSON.parse(await render({ ...sampleReport(1), enforcement: unknownStatus })))).toBe(false);
    const { summary: _summary, ...withoutSummary } = section;
    expect(validate(JSON.parse(await render({ ...sampleReport(1), enforcement: withoutSummary })))).toBe(false);
  });

  it('rejects broken reports', async () => {
    const good = JSON.parse(await render(sampleReport(5, { failed: true }))) as Record<string, unknown> & {
      findings: Record<string, unknown>[]; summary: { bySeverity: Record<string, unknown> }; coverage: Record<string, unknown>[];
    };
    expect(validate(good)).toBe(true);
    const broken: [string, (r: typeof good) => void][] = [
      ['complete as a string', (r) => { r.complete = 'yes'; }],
      ['a finding without message', (r) => { delete r.findings[0]?.message; }],
      ['an unknown severity', (r) => { (r.findings[0] as Record<string, unknown>).severity = 'urgent'; }],
      ['person missing', (r) => { delete r.findings[1]?.person; }],
      ['a count that is not an integer', (r) => { r.summary.bySeverity.low = 1.5; }],
      ['a severity count missing', (r) => { delete r.summary.bySeverity.medium; }],
      ['a time without offset', (r) => { r.now = '2026-11-22T12:00:00'; }],
      ['an unknown top-level field', (r) => { r.extra = true; }],
      ['a failed coverage row without error', (r) => { delete r.coverage.find((c) => c.status === 'failed')?.error; }],
      ['schemaVersion 2', (r) => { r.schemaVersion = 2; }],
    ];
    for (const [what, breakIt] of broken) {
      const copy = structuredClone(good);
      breakIt(copy);
      expect(validate(copy), what).toBe(false);
    }
  });

  it('the schema names exactly the model rule ids', () => {
    const defs = schema.$defs as { ruleId: { enum: string[] } };
    expect(defs.ruleId.enum).toEqual([...RULE_IDS]);
  });

  it('gives the same bytes for the same report', async () => {
    const findings = sampleFindings(120);
    expect(await render(sampleReport(0, { findings }))).toBe(await render(sampleReport(0, { findings: [...findings].reverse() })));
  });
});
