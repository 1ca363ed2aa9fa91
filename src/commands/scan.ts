// `dutybound scan`: config → desired state + inventory → findings → reports → exit code.
import { readFile } from 'node:fs/promises';
import { buildReport } from '../../reports/build.ts';
import { renderers } from '../../reports/index.ts';
import { FORMATS, type Format, type Report } from '../../reports/types.ts';
import { loadConfig, resolvePath, type LoadedConfig } from '../config/load.ts';
import { InputError } from '../errors.ts';
import { assertOnlyMatched, collectInventory, configuredConnectors, parseOnly, type OnlyFilter } from '../engine/collect.ts';
import { globMatches } from '../engine/glob.ts';
import { evaluateScan } from '../engine/evaluate.ts';
import { readInventoryFiles } from '../engine/inventory.ts';
import { loadDesiredState, sourcePaths, unknownScheduleWarnings } from '../engine/sources.ts';
import { SEVERITIES, type Inventory, type Severity } from '../model/index.ts';
import { parseIsoWithOffset } from '../model/time.ts';
import { ruleCatalogue } from '../rules/index.ts';
import { VERSION } from '../version.ts';
import { say, stderrLogger, type Io } from './io.ts';
import { prepareOutputDirectory } from './output.ts';

export interface ScanOptions {
  config?: string;
  now?: string;
  out: string;
  format: Format[];
  failOn: Severity;
  only?: string;
  inventory: string[];
  ledger: string[];
  schedule: string[];
  people?: string;
  baseline?: string;
  quiet?: boolean;
}

export const EXIT = { clean: 0, findings: 1, input: 2, incomplete: 3 } as const;

/** `--now`: ISO 8601 with an offset, else an input error. */
export const parseNow = (now: string | undefined): Date => {
  if (now === undefined) return new Date();
  const instant = parseIsoWithOffset(now);
  if (!instant) throw new InputError(`--now: expected ISO 8601 time with an offset (e.g. 2026-11-20T09:00:00Z), got "${now}"`);
  return instant;
};

export const parseFormats = (formats: readonly string[]): Format[] => {
  const list = formats.flatMap((format) => format.split(',')).map((format) => format.trim()).filter(Boolean);
  if (formats.length && !list.length) throw new InputError(`--format: expected one or more of ${FORMATS.join(', ')}`);
  const unknown = list.filter((format) => !(FORMATS as readonly string[]).includes(format));
  if (unknown.length) throw new InputError(`--format: unknown format ${unknown.join(', ')} (expected ${FORMATS.join(', ')})`);
  return [...new Set(list)] as Format[];
};

const filterInventory = (inventory: Inventory, only: OnlyFilter | undefined): Inventory => {
  if (!only) return inventory;
  const keep = (item: { system: string; target: string }) => item.system === only.system && (!only.target || item.target === only.target);
  return {
    ...inventory,
    coverage: inventory.coverage.filter(keep),
    principals: inventory.principals.filter(keep),
    entitlements: inventory.entitlements.filter(keep),
    credentials: inventory.credentials.filter(keep),
  };
};

const readBaseline = async (path: string): Promise<Report> => {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new InputError(`--baseline ${path}: cannot read the previous report`);
  });
  try {
    const report = JSON.parse(text) as Report;
    if (report.schemaVersion !== 1 || !Array.isArray(report.findings)) throw new Error('not a dutybound report');
    return report;
  } catch (error) {
    throw new InputError(`--baseline ${path}: expected a dutybound report.json (${(error as Error).message})`);
  }
};

export interface ScanResult {
  report: Report;
  exitCode: number;
  written: string[];
}

const exitCodeOf = (report: Report, failOn: Severity): number => {
  if (!report.complete) return EXIT.incomplete;
  const threshold = SEVERITIES.indexOf(failOn);
  return report.findings.some((finding) => SEVERITIES.indexOf(finding.severity) <= threshold) ? EXIT.findings : EXIT.clean;
};

export const runScan = async (options: ScanOptions, io: Io, loaded: LoadedConfig = loadConfig(options.config, io.cwd, io.env)): Promise<ScanResult> => {
  const log = stderrLogger(io, { quiet: options.quiet });
  const now = parseNow(options.now);
  const formats = options.format.length ? options.format : [...FORMATS];
  if (options.out === '-' && formats.length !== 1) throw new InputError('--out -: writes one report to stdout; pick one with --format');
  const only = parseOnly(options.only);
  const { config, baseDir } = loaded;
  const fromCli = (path: string) => resolvePath(io.cwd, path);

  const desired = await loadDesiredState(sourcePaths(config, options, io.cwd), config, now);
  for (const warning of unknownScheduleWarnings(desired)) log.warn(warning);
  const baseline = options.baseline ? await readBaseline(fromCli(options.baseline)) : undefined;
  // After the inputs (bad input creates nothing), before any collection: a scan must not run
  // for an hour and then find it cannot write.
  const output = options.out === '-' ? undefined : await prepareOutputDirectory(options.out, io.cwd, formats.map((format) => renderers.get(format)!.fileName));

  let inventory: Inventory;
  if (options.inventory.length) {
    const read = await readInventoryFiles(options.inventory.map(fromCli), now.toISOString());
    assertOnlyMatched(read, only, options.only!);
    inventory = filterInventory(read, only);
  } else {
    if (!configuredConnectors(config, only).length)
      throw new InputError(
        only
          ? `--only ${options.only}: no such system configured (expected one of the sections aws, github, kubernetes in the config)`
          : 'nothing to scan: pass --inventory FILE, or configure aws, github or kubernetes in dutybound.yaml',
      );
    inventory = await collectInventory(config, { now, log, baseDir }, only);
    assertOnlyMatched(inventory, only, options.only!);
  }

  // A shard judges only its own grants (grant-hygiene would repeat the others' in every shard).
  const grants = only ? desired.grants.filter((grant) => grant.system === only.system && (!only.target || globMatches(grant.target, only.target))) : desired.grants;
  // A schedule source that failed or was cut short may have held anyone's shift (its names are unknown).
  const dutyInDoubt = desired.coverage.some((row) => row.system === 'schedule' && row.status !== 'ok');
  const { findings, unverifiable } = evaluateScan({ inventory, grants, shifts: desired.shifts, people: desired.people, config, now, scheduleInDoubt: () => dutyInDoubt });
  const report = buildReport({
    now: now.toISOString(),
    generatedAt: new Date().toISOString(),
    version: VERSION,
    findings,
    coverage: [...inventory.coverage, ...desired.coverage],
    rules: ruleCatalogue.filter((rule) => !config.rules.disabled.includes(rule.id)),
    ...(baseline ? { baseline } : {}),
    unverifiable,
  });

  const context = { rules: ruleCatalogue };
  let written: string[] = [];
  if (!output) await renderers.get(formats[0]!)!.render(report, io.stdout, context);
  else {
    const files = formats.map((format) => renderers.get(format)!);
    written = await output.writeAll(files.map((renderer) => ({ name: renderer.fileName, render: (out) => renderer.render(report, out, context) })));
  }
  const exitCode = exitCodeOf(report, options.failOn);
  const summaryStream = options.out === '-' ? io.stderr : io.stdout;
  await say(summaryStream, summarize(report, written));
  return { report, exitCode, written };
};

export const summarize = (report: Report, written: readonly string[]): string => {
  const counts = SEVERITIES.map((severity) => `${report.summary.bySeverity[severity]} ${severity}`).join(', ');
  const lines = [`${report.summary.findings} findings (${counts}) at ${report.now}`];
  const incomplete = report.coverage.filter((row) => row.status !== 'ok');
  if (incomplete.length) {
    lines.push(`INCOMPLETE: ${incomplete.length} source${incomplete.length === 1 ? '' : 's'} not fully read:`);
    for (const row of incomplete) {
      lines.push(`  ${row.system}:${row.target} ${row.status}${row.error ? ` — ${row.error}` : ''}`);
      if (row.unverifiable?.length) lines.push(`    ${row.unverifiable.length} finding${row.unverifiable.length === 1 ? '' : 's'} depending on it not verified (listed in the reports, not counted)`);
    }
  }
  for (const path of written) lines.push(`wrote ${path}`);
  return `${lines.join('\n')}\n`;
};

export const SCAN_DEFAULT_OUT = './dutybound-report';
