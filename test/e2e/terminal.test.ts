// Nothing from outside reaches a terminal raw: an ANSI/OSC payload in every field dutybound
// prints (coverage targets and errors, grant ids, schedule names, unknown keys, CSV headers)
// comes out as visible escapes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { terminalText } from '../../src/commands/terminal.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'examples/demo');
const NOW = '2026-11-16T10:00:00Z';

const cli = (args: string[]): Promise<string> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, timeout: 60_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });

// Clear screen, an OSC 8 hyperlink, a title change, NUL, a bidirectional override.
const PAYLOAD = '\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b]0;pwned\u0007\u0000\u202e';
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const expectInert = (output: string, ...fields: string[]): void => {
  expect(output).not.toMatch(RAW);
  for (const field of fields) expect(output).toContain(terminalText(field));
};

describe('printed fields are inert in a terminal', () => {
  it('terminalText shows control characters as escapes and keeps newlines and tabs', () => {
    expect(terminalText('a\u001b[31mb\u0007\u0000\tc\nd\u202e\u009b')).toBe('a\\x1b[31mb\\x07\\x00\tc\nd\\u202e\\x9b');
  });

  it('coverage targets and errors in the summary; grant ids and schedule names in warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-terminal-'));
    const inventory = JSON.parse(readFileSync(join(demo, 'inventory.json'), 'utf8')) as { coverage: unknown[] };
    inventory.coverage.push({ system: 'github', target: `acme${PAYLOAD}`, status: 'failed', error: `denied${PAYLOAD}` });
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
    const grant = JSON.stringify({ id: `GR-${PAYLOAD}`, subject: 'a@example.com', system: 'aws', start: '2026-11-16T09:00:00Z', end: '2026-11-16T11:00:00Z', onCall: `sched${PAYLOAD}` });
    writeFileSync(join(dir, 'grants.jsonl'), `${grant}\n`);
    const output = await cli(['scan', '--inventory', join(dir, 'inventory.json'), '--ledger', join(dir, 'grants.jsonl'), '--now', NOW, '--out', join(dir, 'out')]);
    expect(output).toMatch(/INCOMPLETE/);
    expect(output).toMatch(/warning: grant GR-/);
    expectInert(output, `acme${PAYLOAD}`, `denied${PAYLOAD}`, `GR-${PAYLOAD}`, `sched${PAYLOAD}`);
  });

  it('CSV headers, unknown config keys and values in validation errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-terminal-'));
    writeFileSync(join(dir, 'grants.csv'), `id,subject,system,start,end,col${PAYLOAD}\nG-1,a@example.com,aws${PAYLOAD},2026-11-16T09:00:00Z,2026-11-16T11:00:00Z,x\n`);
    const csv = await cli(['validate', '--ledger', join(dir, 'grants.csv')]);
    expect(csv).toMatch(/grants\.csv:1: col/);
    expect(csv).toMatch(/grants\.csv:2: system: expected one of aws, github, kubernetes, got "aws/);
    expectInert(csv, `col${PAYLOAD}`);

    writeFileSync(join(dir, 'dutybound.yaml'), `rules:\n  graceMinutes: 5\n${JSON.stringify(`key${PAYLOAD}`)}: 1\n`);
    const config = await cli(['validate', '--config', join(dir, 'dutybound.yaml')]);
    expect(config).toMatch(/line 3: \(root\): Unrecognized key: "key/);
    expectInert(config, `key${PAYLOAD}`);
  });
});
