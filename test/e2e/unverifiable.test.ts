// Missing duty data is not "nobody is on call": with the demo's schedule feed unreachable, the
// findings that depend on it are listed as unverifiable under its coverage row, never reported.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'examples/demo');
const NOW = '2026-11-16T10:00:00Z';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

/** A loopback port nothing listens on (connections are refused). */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const scan = async (schedule: string) => {
  const out = mkdtempSync(join(tmpdir(), 'dutybound-unverifiable-'));
  const args = ['--inventory', join(demo, 'inventory.json'), '--ledger', join(demo, 'grants.yaml'), '--schedule', schedule, '--people', join(demo, 'people.yaml')];
  const run = await cli(['scan', ...args, '--now', NOW, '--out', out, '--quiet']);
  expect(existsSync(join(out, 'report.json')), `${run.code}\n${run.stdout}\n${run.stderr}`).toBe(true);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    findings: { id: string; rule: string }[];
    coverage: { system: string; status: string; unverifiable?: { id: string; rule: string; schedule?: string }[] }[];
  };
  return { run, report, markdown: readFileSync(join(out, 'summary.md'), 'utf8'), html: readFileSync(join(out, 'report.html'), 'utf8') };
};

describe('a schedule source that failed', () => {
  it('turns the off-call findings that depend on it into unverifiable entries under its coverage row', { timeout: 120_000 }, async () => {
    const read = await scan(join(demo, 'oncall.ics'));
    const offCall = read.report.findings.filter((finding) => finding.rule === 'off-call');
    expect(offCall.length).toBeGreaterThan(0);

    const failed = await scan(`http://127.0.0.1:${await closedPort()}/oncall.ics`);
    expect(failed.run.code).toBe(3);
    // Not one off-call finding more than with the schedule read: missing shifts are not "off call".
    expect(failed.report.findings.filter((finding) => finding.rule === 'off-call')).toEqual([]);
    const row = failed.report.coverage.find((c) => c.system === 'schedule');
    expect(row?.status).toBe('failed');
    // The real off-call findings are among those listed, none of them is lost silently.
    expect(row?.unverifiable?.map((u) => u.id)).toEqual(expect.arrayContaining(offCall.map((finding) => finding.id)));
    expect(row?.unverifiable?.every((u) => u.rule === 'off-call' && typeof u.schedule === 'string')).toBe(true);
    // Everything else is judged as before.
    const others = (findings: { id: string; rule: string }[]) => findings.filter((f) => f.rule !== 'off-call').map((f) => f.id);
    expect(others(failed.report.findings)).toEqual(others(read.report.findings));

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'reports/schema/report.schema.json'), 'utf8')));
    expect(validate(failed.report), JSON.stringify(validate.errors)).toBe(true);
    expect(failed.markdown).toMatch(new RegExp(`\\*\\*${row!.unverifiable!.length} findings not verified:\\*\\*`));
    expect(failed.html).toMatch(new RegExp(`${row!.unverifiable!.length} not verified`));
    expect(failed.run.stdout).toMatch(new RegExp(`${row!.unverifiable!.length} findings depending on it not verified`));
  });
});
