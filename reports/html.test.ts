import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmlRenderer, templates } from './html.ts';
import { renderToString } from './stream.ts';
import { hostileFinding, sampleFindings, sampleReport, sampleRules } from './test-fixtures.ts';
import type { Report } from './types.ts';

const context = { rules: sampleRules };
const render = async (report: Report): Promise<string> => renderToString(htmlRenderer, report, context);
const templateDir = new URL('./templates/', import.meta.url);

describe('report.html', () => {
  it('escapes every piece of finding data', async () => {
    const html = await render(sampleReport(0, { failed: true, findings: [hostileFinding] }));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('"onerror=');
    expect(html).not.toContain('" onerror="');
    expect(html).toContain('x&quot; onerror&#x3D;&quot;alert(4)');
    expect(html).not.toContain("' onmouseover='");
    expect(html).not.toMatch(/<(script|img|b|i)[\s>]/);
    expect(html).not.toContain('<h1>injected');
    // Every tag in the page is one the templates wrote.
    const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]?.toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'p', 'time', 'main', 'section', 'ul', 'li', 'strong', 'span', 'div', 'table', 'caption', 'thead', 'tr', 'th', 'tbody', 'td', 'code', 'dl', 'dt', 'dd', 'footer'];
    for (const tag of tags) expect(allowed, tag).toContain(tag);
  });

  it('refers to nothing outside the file and forbids loading anything', async () => {
    for (const report of [sampleReport(50, { failed: true }), sampleReport(0, { findings: [hostileFinding] })]) {
      const html = await render(report);
      // Attributes inside real tags only: escaped text cannot open a tag.
      expect(html).not.toMatch(/<[^>]*\s(?:src|href|srcset|action|poster|data)\s*=/i);
      expect(html).not.toMatch(/url\s*\(/i);
      expect(html).not.toMatch(/@import/i);
      expect(html).not.toMatch(/<(script|link|iframe|object|embed|img|base)\b/i);
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    }
  });

  it('templates use only escaping expressions', () => {
    const files = readdirSync(templateDir).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(new URL(file, templateDir), 'utf8');
      expect(text, file).not.toContain('{{{');
      expect(text, file).not.toContain('{{&');
      expect(text, file).not.toMatch(/https?:\/\//);
    }
  });

  it('compiles the templates once', () => {
    expect(templates()).toBe(templates());
  });

  it('shows the scan time, banner, summary, grouped findings with their details, coverage and legend', async () => {
    const report = sampleReport(24, { failed: true });
    const html = await render(report);
    expect(html).toContain('<title>dutybound report — 2026-11-22T12:00:00Z</title>');
    expect(html).toMatch(/<section class="banner" id="completeness" data-complete="false"/);
    expect(html).toContain('github acme</strong>: failed — GET /orgs/acme/members: 403 Resource not accessible');
    const sections = [...html.matchAll(/<section class="severity" data-severity="(\w+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(['critical', 'high', 'medium', 'low']);
    // Every finding appears once, inside the section of its severity, in report order.
    const order = [...html.matchAll(/<tbody class="finding" data-finding-id="([^"]+)" data-severity="(\w+)"/g)].map((m) => [m[1], m[2]]);
    expect(order).toEqual(report.findings.map((f) => [f.id, f.severity]));
    for (const f of report.findings) {
      const start = html.indexOf(`data-finding-id="${f.id}"`);
      const block = html.slice(start, html.indexOf('</tbody>', start));
      const section = html.lastIndexOf('<section class="severity" data-severity="', start);
      expect(html.slice(section, section + 60)).toContain(`data-severity="${f.severity}"`);
      expect(block).toContain(sampleRules.find((r) => r.id === f.rule)?.title);
      expect(block).toContain(`<td class="message">${f.message}</td>`);
      if (f.person) expect(block).toContain(f.person);
      if (f.grant) expect(block).toContain(`<dd class="mono grant">${f.grant}</dd>`);
      if (f.credential) expect(block).toContain(f.credential);
      if (f.privilege) expect(block).toContain(f.privilege);
      if (f.since) expect(block).toContain(`<time datetime="${f.since}">`);
      if (f.remediation) expect(block).toContain(f.remediation);
      for (const [key, value] of Object.entries(f.evidence ?? {})) expect(block).toContain(`<dt>${key}</dt><dd>${value}</dd>`);
    }
    expect(html).toContain('data-finding-id="off-call:000002"');
    expect(html).toMatch(/<tr data-status="failed" data-system="github">/);
    for (const rule of sampleRules) expect(html).toContain(`<tr data-rule="${rule.id}"><td><strong>${rule.title}</strong>`);
    expect(html).toContain('<li class="tile" data-severity="critical"><span class="count">6</span>');
  });

  it('says so when there are no findings, and shows drift against a baseline', async () => {
    expect(await render(sampleReport(0))).toContain('<p class="empty">No findings.</p>');
    const html = await render(sampleReport(0, { findings: sampleFindings(6), baseline: sampleReport(0, { findings: sampleFindings(8).slice(2) }) }));
    expect(html).toContain('<strong>2</strong> new, <strong>2</strong> resolved');
    expect(html.match(/data-new="true"/g)).toHaveLength(2);
    for (const gone of sampleFindings(8).slice(6)) expect(html).toContain(`<li><code>${gone.id}</code></li>`);
  });

  it('gives the same bytes for the same report', async () => {
    const findings = sampleFindings(70);
    expect(await render(sampleReport(0, { findings }))).toBe(await render(sampleReport(0, { findings: [...findings].reverse() })));
  });
});
