// Report files, all or nothing: the output directory is checked before any collection, every
// report is written to a fresh temporary file and renamed, and a planted symlink is not followed.
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'examples/demo');
const demoArgs = ['--inventory', join(demo, 'inventory.json'), '--ledger', join(demo, 'grants.yaml'), '--schedule', join(demo, 'oncall.ics'), '--people', join(demo, 'people.yaml')];

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const tmp = () => mkdtempSync(join(tmpdir(), 'dutybound-out-'));
const REPORTS = ['report.html', 'report.json', 'report.sarif', 'summary.md'];

describe('scan --out', () => {
  it('refuses a directory under /proc at once (exit 2), instead of hanging', async () => {
    for (const out of ['/proc/dutybound-report', '/proc']) {
      const run = await cli(['scan', ...demoArgs, '--out', out, '--quiet']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`--out ${out}: cannot use it as the report directory`));
    }
  });

  it('refuses a report name taken by a directory before writing anything', async () => {
    const out = tmp();
    mkdirSync(join(out, 'report.sarif'));
    const run = await cli(['scan', ...demoArgs, '--out', out, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/report\.sarif exists and is a directory/);
    expect(readdirSync(out)).toEqual(['report.sarif']);
  });

  it('does not follow a symlink planted at a report name, and leaves no temporary file', async () => {
    const out = tmp();
    const victim = join(tmp(), 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(out, 'report.html'));
    const run = await cli(['scan', ...demoArgs, '--out', out, '--quiet']);
    expect(run.code).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(join(out, 'report.html')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readdirSync(out).sort()).toEqual(REPORTS);
  });

  it('refuses an output path that is a file', async () => {
    const file = join(tmp(), 'not-a-dir');
    writeFileSync(file, '');
    const run = await cli(['scan', ...demoArgs, '--out', file, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot use it as the report directory \(ENOTDIR\)/);
  });
});
