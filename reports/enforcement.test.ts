// The enforcement section in HTML and Markdown: counts, actions with the guard that blocked them,
// every value escaped, and each finding linked to its action.
import { describe, expect, it } from 'vitest';
import { enforcementSection } from '../src/enforce/report.ts';
import type { EnforceAction } from '../src/enforce/types.ts';
import { htmlRenderer } from './html.ts';
import { markdownRenderer } from './markdown.ts';
import { renderToString } from './stream.ts';
import { sampleReport, sampleRules } from './test-fixtures.ts';
import type { Report } from './types.ts';

const report = (): Report => {
  const base = sampleReport(2);
  const [first, second] = base.findings;
  const action = (finding: typeof first, extra: Partial<EnforceAction>): EnforceAction => ({
    id: `${finding!.id}-run`, rule: finding!.rule, finding: finding!.id, findings: [finding!.id], system: finding!.system, target: finding!.target, principal: finding!.principal,
    object: 'aws-remove-from-group: <img src=x onerror=alert(1)> via group/admins', removes: ['AdministratorAccess'], status: 'planned', ...extra,
  });
  const actions = [action(first, { status: 'blocked', guard: 'maxActions', reason: '12 actions planned, more than the limit of 10' }), action(second, { status: 'refused', reason: 'protected: <b>break-glass</b>' })];
  return { ...base, enforcement: { ...enforcementSection({ mode: 'plan', enabled: false, rules: ['expired-grant'], actions, blocked: { guard: 'maxActions', reason: '12 actions planned, more than the limit of 10' } }) } };
};

describe('the enforcement section', () => {
  it('in HTML: counts, the blocking guard, escaped actions, and each finding links to its action', async () => {
    const html = await renderToString(htmlRenderer, report(), { rules: sampleRules });
    expect(html).toContain('<section id="enforcement"');
    expect(html).toContain('Blocked by guard maxActions:</strong> 12 actions planned, more than the limit of 10');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).not.toContain('<b>break-glass');
    for (const finding of report().findings) {
      expect(html).toContain(`id="action-${finding.id}-run"`);
      expect(html).toContain(`href="#action-${finding.id}-run"`);
    }
    expect(html).toMatch(/data-action-status="blocked"><span class="count">1</);
  });

  it('in Markdown: the same, one table row per action, cells escaped', async () => {
    const md = await renderToString(markdownRenderer, report(), { rules: sampleRules });
    expect(md).toContain('### Enforcement (plan)');
    expect(md).toContain('**Blocked by guard maxActions:**');
    expect(md).toContain('0 planned · 1 refused · 1 blocked');
    expect(md).not.toContain('<img');
    expect(md.split('\n').filter((line) => line.startsWith('| blocked') || line.startsWith('| refused'))).toHaveLength(2);
  });
});
