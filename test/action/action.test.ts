// The GitHub Action as a runner runs it: its bundle (action/dist/index.js) in a process with the
// runner's environment (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE) on a small estate.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_BUNDLE, bundleAction } from '../../scripts/build-action.ts';
import { arn, inventory, validReport } from '../fixtures/nightly.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const NOW = '2026-11-20T03:00:00Z';

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  dir: string;
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter`, the value, the delimiter. */
const parseOutputs = (text: string): Record<string, string> => {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!head) continue;
    const end = lines.indexOf(head[2]!, i + 1);
    outputs[head[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
};

const runAction = (dir: string, inputs: Record<string, string>): Promise<ActionRun> => {
  writeFileSync(join(dir, 'github-output'), '');
  writeFileSync(join(dir, 'step-summary'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: join(dir, 'github-output'),
    GITHUB_STEP_SUMMARY: join(dir, 'step-summary'),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'action/dist/index.js')], { cwd: dir, env }, (error, stdout) =>
      resolve({
        code: error ? Number(error.code) : 0,
        stdout,
        outputs: parseOutputs(readFileSync(join(dir, 'github-output'), 'utf8')),
        summary: readFileSync(join(dir, 'step-summary'), 'utf8'),
        dir,
      }),
    );
  });
};

/** A workspace with a config and one inventory; the action's inputs name them. */
const workspace = (files: { config?: unknown; configName?: string; inventoryName?: string; status?: 'ok' | 'failed'; admins?: string[] } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-action-'));
  const configName = files.configName ?? 'dutybound.yaml';
  const inventoryName = files.inventoryName ?? 'inventory.json';
  writeFileSync(join(dir, configName), stringify(files.config ?? {}));
  writeFileSync(join(dir, inventoryName), JSON.stringify(inventory(NOW, files.admins ?? ['alice'], files.status ?? 'ok')));
  return { dir, inputs: { config: configName, inventory: inventoryName, 'fail-on': 'high' } };
};

describe('the action bundle', () => {
  it('is what a fresh build of the source gives (npm run build:action)', async () => {
    expect((await bundleAction()) === readFileSync(ACTION_BUNDLE, 'utf8'), 'action/dist/index.js is stale: run npm run build:action').toBe(true);
  });

  it('action.yml runs it on node24 and declares every input the entry reads', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    const source = readFileSync(join(root, 'action/main.ts'), 'utf8');
    const read = [...source.matchAll(/core\.get(?:Multiline)?Input\('([^']+)'\)/g)].map((m) => m[1]).sort();
    expect(Object.keys(action.inputs).sort()).toEqual(read);
    const set = new Set([...source.matchAll(/core\.setOutput\('([^']+)'/g)].map((m) => m[1]));
    for (const name of ['report-json', 'report-html', 'report-sarif', 'summary-md', 'critical', 'high', 'medium', 'low']) set.add(name);
    expect(Object.keys(action.outputs).sort()).toEqual([...set].sort());
  });
});

describe('the action, run with the runner environment', () => {
  it('on findings (exit 1): writes reports, summary and outputs, then fails saying why', async () => {
    const { dir, inputs } = workspace();
    const run = await runAction(dir, inputs);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ 'exit-code': '1', complete: 'true', findings: '1', high: '1', critical: '0', failure: 'findings (exit 1): at or above high' });
    for (const name of ['report-json', 'report-html', 'report-sarif', 'summary-md']) expect(existsSync(run.outputs[name]!), name).toBe(true);
    expect(validReport(JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')))).toBe(true);
    expect(JSON.parse(readFileSync(run.outputs['report-sarif']!, 'utf8')).runs[0].results).toHaveLength(1);
    expect(run.summary).toBe(readFileSync(run.outputs['summary-md']!, 'utf8'));
    expect(run.stdout).toContain('::error::dutybound: findings (exit 1): at or above high');
  });

  it('on an incomplete scan (exit 3): the reports are still there, marked incomplete', async () => {
    const { dir, inputs } = workspace({ status: 'failed' });
    const run = await runAction(dir, inputs);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ 'exit-code': '3', complete: 'false', failure: 'scan incomplete (exit 3): aws:111111111111 failed' });
    expect(existsSync(run.outputs['report-sarif']!)).toBe(true);
    expect(run.summary).toContain('scan INCOMPLETE');
  });

  it('on an input error (exit 2): no reports, and the summary and outputs say what was wrong', async () => {
    const { dir, inputs } = workspace({ config: { rulez: {} } });
    const run = await runAction(dir, inputs);
    expect(run.code).toBe(1);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.outputs.failure).toMatch(/^input error \(exit 2\), no reports: .*dutybound\.yaml.*rulez/);
    expect(run.outputs['report-sarif']).toBe('');
    expect(run.summary).toContain('dutybound: no report');
    expect(run.summary).toContain('rulez');
  });

  it('passes clean when nothing new at or above fail-on-new appears, with state carried between runs', async () => {
    const { dir, inputs } = workspace();
    const withState = { ...inputs, state: 'dutybound-state.db', 'fail-on-new': 'high' };
    expect((await runAction(dir, withState)).outputs).toMatchObject({ 'exit-code': '1', new: '1' });
    const second = await runAction(dir, withState);
    expect(second.code).toBe(0);
    expect(second.outputs).toMatchObject({ 'exit-code': '0', new: '0', findings: '1', failure: '' });
  });

  it('hands input values with shell metacharacters to the scan verbatim, and runs none of them', async () => {
    const hostile = `cfg $(touch pwned-config) ; touch pwned-semicolon | cat && "q" 'r' \`touch pwned-backtick\`.yaml`;
    const suppressAlice = { suppressions: [{ principal: arn('alice'), reason: 'kept', owner: 'o@example.com', until: '2027-01-01T00:00:00Z' }] };
    const { dir, inputs } = workspace({ config: suppressAlice, configName: hostile, inventoryName: 'inv $(touch pwned-inventory).json' });
    const run = await runAction(dir, { ...inputs, out: 'out dir; touch pwned-out', enforce: 'plan' });
    // The config with that name was read (it suppressed alice), the reports went where `out` said.
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.outputs.suppressed).toBe('1');
    expect(run.outputs['report-json']).toBe(join(dir, 'out dir; touch pwned-out', 'report.json'));
    expect(readdirSync(dir).filter((name) => name.startsWith('pwned'))).toEqual([]);

    const only = `aws:$(touch pwned-only);echo "x"`;
    const rejected = await runAction(dir, { ...inputs, only });
    expect(rejected.outputs['exit-code']).toBe('2');
    expect(rejected.outputs.failure).toContain(`--only ${only}: nothing of that was read`);
    expect(readdirSync(dir).filter((name) => name.startsWith('pwned'))).toEqual([]);
  });

  it('reports an enforce input this dutybound cannot carry out, after the scan and its reports', async () => {
    const { dir, inputs } = workspace({ admins: [] });
    const run = await runAction(dir, { ...inputs, enforce: 'plan' });
    expect(run.outputs['exit-code']).toBe('0');
    expect(existsSync(run.outputs['report-json']!)).toBe(true);
    if (run.outputs['enforce-error']) {
      expect(run.outputs['enforce-error']).toBe('this dutybound has no enforce command');
      expect(run.code).toBe(1);
      expect(run.outputs.failure).toContain('enforce: this dutybound has no enforce command');
    } else {
      expect(run.outputs['enforce-exit-code']).toMatch(/^\d$/);
    }
    const bad = await runAction(dir, { ...inputs, enforce: 'yes please' });
    expect(bad.outputs).toMatchObject({ 'exit-code': '2', failure: 'input error (exit 2): input enforce: expected off, plan or apply, got "yes please"' });
  });
});
