import { describe, expect, it } from 'vitest';
import { escapeCell, markdownRenderer, MAX_SUMMARY_BYTES } from './markdown.ts';
import { renderToString } from './stream.ts';
import { hostileFinding, sampleFindings, sampleReport, sampleRules } from './test-fixtures.ts';
import type { Report } from './types.ts';

const context = { rules: sampleRules };
const render = async (report: Report): Promise<string> => renderToString(markdownRenderer, report, context);
/** The cells of a GFM table row, splitting on unescaped pipes only. */
const cells = (line: string): string[] => line.slice(2, -2).split(/(?<!\\) \| /);

describe('summary.md', () => {
  it('headlines a complete scan with counts by severity and by rule', async () => {
    const report = sampleReport(30);
    const md = await render(report);
    expect(md.split('\n')[0]).toBe('## dutybound: 30 findings, scan complete');
    for (const [s, n] of Object.entries(report.summary.bySeverity)) expect(md).toMatch(new RegExp(`\\| \\S+ ${s} \\| ${n} \\|`));
    expect(md).toContain(`| off-call | Off call | ${report.summary.byRule['off-call']} |`);
    expect(md).toContain(`| unowned-identity | Unowned identity | ${report.summary.byRule['unowned-identity']} |`);
  });

  it('headlines an incomplete scan and lists the failed coverage rows', async () => {
    const md = await render(sampleReport(3, { failed: true }));
    expect(md.split('\n')[0]).toBe('## ⚠️ dutybound: scan INCOMPLETE, 3 findings');
    expect(md).toContain('| github | acme | failed | GET /orgs/acme/members: 403 Resource not accessible |');
    expect(md).toContain('| kubernetes | prod | partial | rolebindings in kube-system: forbidden |');
    expect(md).not.toContain('| aws | 123456789012 | ok |');
  });

  it('lists findings in a table per severity, most severe first, every finding once', async () => {
    const report = sampleReport(40);
    const md = await render(report);
    const headings = [...md.matchAll(/^#### \S+ (\w+) \((\d+)\)$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(headings).toEqual([['Critical', 10], ['High', 10], ['Medium', 10], ['Low', 10]]);
    for (const f of report.findings) expect(md).toContain(escapeCell(f.message));
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('Finding '));
    expect(rows).toHaveLength(40);
    expect(md).not.toContain('more finding');
  });

  it('escapes pipes, backticks, HTML and newlines in cells', async () => {
    const md = await render(sampleReport(0, { findings: [hostileFinding] }));
    const line = md.split('\n').find((l) => l.startsWith('| off-call') && l.includes('script'));
    expect(line).toBeDefined();
    const row = cells(line as string);
    expect(row).toHaveLength(7); // the pipes in target and message did not open new columns
    expect(row[1]).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(row[3]).toBe('github acme\\|corp');
    expect(row[4]).toBe('repo-admin\\`whoami\\` on &lt;img src=x onerror=alert(2)&gt;');
    expect(row[6]).toBe('x" onerror="alert(4) \\| and<br>a second line with \\`code\\` and \\[a link\\](https:\u2060//evil.example/)');
    expect(md).not.toMatch(/<(script|img|h1)/);
    expect(escapeCell('a\r\nb\rc\nd')).toBe('a<br>b<br>c<br>d');
    expect(escapeCell(null)).toBe('—');
  });

  it('neutralises mentions, references, bare URLs and emails from data: GitHub neither pings nor links them', () => {
    const cell = escapeCell('ping @octocat and @acme/security about #1234, see https://evil.example/x, www.evil.example or mail eve@evil.example');
    for (const live of ['@octocat', '@acme', '#1234', 'https://', 'www.evil', '@evil.example']) expect(cell).not.toContain(live);
    // Only invisible joiners were added: the text reads the same.
    expect(cell.replaceAll('\u2060', '')).toBe('ping @octocat and @acme/security about #1234, see https://evil.example/x, www.evil.example or mail eve@evil.example');
  });

  it('stays under 1 MiB with 200,000 findings and names what it left out', async () => {
    const report = sampleReport(200_000);
    const md = await render(report);
    const size = Buffer.byteLength(md, 'utf8');
    expect(size).toBeLessThan(1024 * 1024);
    expect(size).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(size).toBeGreaterThan(MAX_SUMMARY_BYTES - 4096); // it used the room it had
    const listed = md.split('\n').filter((l) => /^\| [a-z-]+( 🆕)? \| /.test(l) && l.includes('Finding ')).length;
    const match = /… and (\d+) more findings \((.+)\) — see report\.json\n$/.exec(md);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBe(200_000 - listed);
    const omitted = report.findings.slice(listed);
    const expected = (['critical', 'high', 'medium', 'low'] as const)
      .map((s) => [s, omitted.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    expect(match?.[2]).toBe(expected);
  });

  it('gives the same bytes for the same report', async () => {
    const findings = sampleFindings(90);
    expect(await render(sampleReport(0, { findings }))).toBe(await render(sampleReport(0, { findings: [...findings].reverse() })));
  });

  it('marks new findings and shows drift against a baseline', async () => {
    const md = await render(sampleReport(12, { baseline: sampleReport(0, { findings: sampleFindings(12).slice(0, 9) }) }));
    expect(md).toContain('Since the previous run: 3 new, 0 resolved.');
    expect(md.match(/🆕/g)).toHaveLength(3);
  });
});
