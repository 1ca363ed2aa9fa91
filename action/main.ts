// The GitHub Action (action.yml runs its bundle, action/dist/index.js, on node24). Inputs become the
// arguments of `dutybound scan` (and `enforce`) in this process: no shell ever sees them. The action
// writes its outputs and the step summary before it fails, and says in `failure` why it failed.
import { existsSync, readFileSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { main } from '../src/cli.ts';
import type { Io } from '../src/commands/io.ts';
import { appendAll } from '../src/model/collections.ts';
import { SEVERITIES } from '../src/model/index.ts';
import type { Report } from '../reports/types.ts';

export const ENFORCE_MODES = ['off', 'plan', 'apply'] as const;
type EnforceMode = (typeof ENFORCE_MODES)[number];

export interface ActionInputs {
  config: string;
  out: string;
  format: string;
  failOn: string;
  failOnNew: string;
  only: string;
  inventory: string[];
  state: string;
  enforce: EnforceMode;
}

const REPORT_FILES = { 'report-json': 'report.json', 'report-html': 'report.html', 'report-sarif': 'report.sarif', 'summary-md': 'summary.md' } as const;

export const readInputs = (): ActionInputs => {
  const enforce = (core.getInput('enforce') || 'off') as EnforceMode;
  if (!ENFORCE_MODES.includes(enforce)) throw new Error(`input enforce: expected off, plan or apply, got "${enforce}"`);
  return {
    config: core.getInput('config'),
    out: core.getInput('out') || 'dutybound-report',
    format: core.getInput('format'),
    failOn: core.getInput('fail-on'),
    failOnNew: core.getInput('fail-on-new'),
    only: core.getInput('only'),
    inventory: core.getMultilineInput('inventory'),
    state: core.getInput('state'),
    enforce,
  };
};

/** Each inventory line is a path or a glob (`shards/*.json`), expanded here, sorted; a glob that matches nothing is kept as written so the scan names it. */
export const expandInventory = async (patterns: readonly string[], cwd: string): Promise<string[]> => {
  const files: string[] = [];
  for (const pattern of patterns) {
    const matched: string[] = [];
    for await (const path of glob(pattern, { cwd })) matched.push(path);
    appendAll(files, matched.length ? matched.sort() : [pattern]);
  }
  return files;
};

/** `dutybound scan` arguments: one array element per value, exactly as the inputs gave them. */
export const scanArgs = (inputs: ActionInputs, inventory: readonly string[]): string[] => {
  const args = ['scan', '--out', inputs.out];
  const option = (flag: string, value: string) => {
    if (value !== '') args.push(flag, value);
  };
  option('--config', inputs.config);
  option('--format', inputs.format);
  option('--fail-on', inputs.failOn);
  option('--fail-on-new', inputs.failOnNew);
  option('--only', inputs.only);
  option('--state', inputs.state);
  for (const file of inventory) args.push('--inventory', file);
  return args;
};

export const enforceArgs = (inputs: ActionInputs): string[] | undefined => {
  if (inputs.enforce === 'off') return undefined;
  const args = ['enforce', inputs.enforce === 'apply' ? '--apply' : '--plan', '--out', join(inputs.out, 'enforce')];
  if (inputs.config !== '') args.push('--config', inputs.config);
  if (inputs.only !== '') args.push('--only', inputs.only);
  return args;
};

interface CliRun {
  code: number;
  stderr: string;
}

/** Runs the CLI in this process with workflow commands off: names read from an estate cannot become `::set-output`. */
const runCli = async (args: string[], cwd: string): Promise<CliRun> => {
  const token = randomUUID();
  const captured: Buffer[] = [];
  const stderr = new PassThrough();
  stderr.on('data', (chunk: Buffer) => {
    captured.push(chunk);
    process.stderr.write(chunk);
  });
  const io: Io = { stdout: process.stdout as Writable, stderr, cwd, env: process.env };
  process.stdout.write(`::stop-commands::${token}\n`);
  try {
    const code = await main(args, io);
    return { code, stderr: Buffer.concat(captured).toString('utf8') };
  } finally {
    process.stdout.write(`::${token}::\n`);
  }
};

const readReport = (dir: string): Report | undefined => {
  const path = join(dir, 'report.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch {
    return undefined;
  }
};

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The CLI's error from its stderr: the `dutybound:` line and the problems indented under it, on one line. */
const inputError = (stderr: string): string | undefined => {
  const lines = stderr.split('\n');
  const at = lines.findIndex((line) => line.startsWith('dutybound: ') && !line.startsWith('dutybound: warning:') && !line.includes('judging the inventory'));
  if (at < 0) return undefined;
  const problems = lines.slice(at + 1).filter((line, i, rest) => line.startsWith('  ') && rest.slice(0, i).every((before) => before.startsWith('  ')));
  return [lines[at]!.replace(/^dutybound: /, ''), ...problems.map((line) => line.trim())].join('; ');
};

/** Why a scan's exit code is not 0, in one line. */
export const scanFailure = (code: number, report: Report | undefined, stderr: string, inputs: ActionInputs): string => {
  if (code === 2) return `input error (exit 2), no reports: ${inputError(stderr) ?? 'see the log'}`;
  if (code === 3) {
    const failed = (report?.coverage ?? []).filter((c) => c.status !== 'ok').map((c) => `${c.system}:${c.target} ${c.status}`);
    return `scan incomplete (exit 3): ${failed.join(', ') || 'a source failed'}`;
  }
  if (code === 1) {
    if (report?.suppressions?.expired.length) return `findings (exit 1): ${report.suppressions.expired.length} suppression(s) expired`;
    return inputs.failOnNew
      ? `findings (exit 1): ${report?.drift?.added.length ?? 0} new at or above ${inputs.failOnNew} (see the new output)`
      : `findings (exit 1): at or above ${inputs.failOn || 'high'}`;
  }
  return `dutybound exited ${code}`;
};

const setReportOutputs = (dir: string, report: Report | undefined): void => {
  for (const [name, file] of Object.entries(REPORT_FILES)) core.setOutput(name, existsSync(join(dir, file)) ? join(dir, file) : '');
  core.setOutput('report-dir', dir);
  core.setOutput('complete', report ? String(report.complete) : 'false');
  core.setOutput('findings', report ? String(report.summary.findings) : '');
  for (const severity of SEVERITIES) core.setOutput(severity, report ? String(report.summary.bySeverity[severity]) : '');
  core.setOutput('new', report?.drift ? String(report.drift.added.length) : '');
  core.setOutput('suppressed', report ? String(report.summary.suppressed ?? 0) : '');
};

const writeStepSummary = async (dir: string, failure: string | undefined, stderr: string): Promise<void> => {
  const summary = join(dir, 'summary.md');
  if (existsSync(summary)) core.summary.addRaw(readFileSync(summary, 'utf8'));
  else core.summary.addRaw(`## ❌ dutybound: no report\n\n${escapeHtml(failure ?? '')}\n\n<pre>${escapeHtml(stderr.slice(-4000))}</pre>\n`);
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.write();
};

export interface ActionResult {
  exitCode: number;
  failure?: string;
}

/** The action, start to end: it rejects only if the runner's own files cannot be written. */
export const runAction = async (cwd: string = process.env.GITHUB_WORKSPACE ?? process.cwd()): Promise<ActionResult> => {
  let inputs: ActionInputs;
  try {
    inputs = readInputs();
  } catch (error) {
    const failure = `input error (exit 2): ${(error as Error).message}`;
    core.setOutput('exit-code', '2');
    core.setOutput('failure', failure);
    await writeStepSummary(resolve(cwd, 'dutybound-report'), failure, '');
    core.setFailed(failure);
    return { exitCode: 2, failure };
  }
  const dir = resolve(cwd, inputs.out);
  const args = scanArgs(inputs, await expandInventory(inputs.inventory, cwd));
  const scan = await runCli(args, cwd);
  const report = readReport(dir);
  const failures = scan.code === 0 ? [] : [scanFailure(scan.code, report, scan.stderr, inputs)];
  setReportOutputs(dir, report);
  core.setOutput('exit-code', String(scan.code));

  const enforce = enforceArgs(inputs);
  if (enforce && scan.code !== 2) appendAll(failures, await runEnforce(enforce, cwd));

  const failure = failures.join('; ') || undefined;
  core.setOutput('failure', failure ?? '');
  await writeStepSummary(dir, failure, scan.stderr);
  if (failure) core.setFailed(`dutybound: ${failure}`);
  return { exitCode: scan.code, ...(failure ? { failure } : {}) };
};

/** `dutybound enforce`: a dutybound without that command says so in the outputs, instead of a bare usage error. */
const runEnforce = async (args: string[], cwd: string): Promise<string[]> => {
  const run = await runCli(args, cwd);
  core.setOutput('enforce-exit-code', String(run.code));
  if (run.code === 2 && /Unknown (argument|command)s?:.*\benforce\b/.test(run.stderr)) {
    core.setOutput('enforce-error', 'this dutybound has no enforce command');
    return ['enforce: this dutybound has no enforce command (update dutybound, or set enforce: off)'];
  }
  return run.code === 0 ? [] : [`enforce ${args[1]} exited ${run.code}`];
};
