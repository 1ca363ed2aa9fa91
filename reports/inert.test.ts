// Data that reaches a report is inert where a person reads it: no escape sequence from a grant id,
// a principal or a message is written raw into summary.md or report.html (a terminal or CI log
// showing them would obey it).
import { describe, expect, it } from 'vitest';
import { htmlRenderer } from './html.ts';
import { markdownRenderer } from './markdown.ts';
import { renderToString } from './stream.ts';
import { sampleReport, sampleRules, sampleFindings } from './test-fixtures.ts';

const PAYLOAD = '\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007\u001b[31mred\u001b[0m\u0000\u202e';

describe('control characters from data', () => {
  const [finding] = sampleFindings(1);
  const report = sampleReport(0, { findings: [{ ...finding!, id: `id${PAYLOAD}`, principal: `aws:arn:aws:iam::1:user/x${PAYLOAD}`, grant: `G${PAYLOAD}`, message: `held${PAYLOAD}`, evidence: { grant: `g${PAYLOAD}` } }] });

  it.each([
    ['summary.md', markdownRenderer],
    ['report.html', htmlRenderer],
  ] as const)('are shown, not written raw, in %s', async (_name, renderer) => {
    const text = await renderToString(renderer, report, { rules: sampleRules });
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
    expect(text.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g) ?? []).toEqual([]);
    expect(text).toContain('x1b');
  });
});
