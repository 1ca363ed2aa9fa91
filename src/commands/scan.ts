// `dutybound scan`: config → desired state + inventory → findings → reports → exit code.
import { basename } from 'node:path';
import { buildReport } from '../../reports/build.ts';
import { renderers } from '../../reports/index.ts';
import { FORMATS, type Format, type RenderContext, type Report } from '../../reports/types.ts';
import { loadConfig, resolvePath, type LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import { assertOnlyMatched, collectInventory, configuredConnectors, parseOnly, type OnlyFilter } from '../engine/collect.ts';
import { globMatches } from '../engine/glob.ts';
import { readInventoryFiles } from '../engine/inventory.ts';
import { loadDesiredState, sourcePaths, unknownScheduleWarnings } from '../engine/sources.ts';
import { dutyWindow } from '../engine/duty.ts';
import { buildEvidence } from '../engine/evidence.ts';
import { writeEvidence } from './evidence.ts';
import { SEVERITIES, type Coverage, type Finding, type Grant, type Inventory, type Severity } from '../model/index.ts';
import { parseIsoWithOffset } from '../model/time.ts';
import { effectiveCatalogue, ruleCatalogue } from '../rules/index.ts';
import { ledgerLocator } from '../../reports/locate.ts';
import { openHistory, withHistory } from '../state/index.ts';
import { suppressionWarnings, withSuppressions } from '../suppress/index.ts';
import { judge } from '../engine/judge.ts';
import { scanEnforcement } from '../enforce/index.ts';
import { VERSION } from '../version.ts';
import { scanDeadline } from '../../connectors/network.ts';
import type { Logger } from '../../connectors/types.ts';
import { say, stderrLogger, type Io } from './io.ts';
import { prepareOutputDirectory, type OutputDirectory } from './output.ts';
import { appendAll } from '../model/collections.ts';

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
  /** Directory for the ledger and duty data judged by (one file per source, with sha256s). */
  evidence?: string;
  /** The state store (SQLite file) kept between runs. */
  state?: string;
  /** Fail (exit 1) only on new findings at or above this severity, instead of --fail-on. */
  failOnNew?: Severity;
  quiet?: boolean;
  /** `--timeout`: the whole scan's deadline (`30m`, `90s`, `2h`; `0` none). Default 30m. */
  timeout?: string;
  /** `--progress`: per-target progress on stderr even when it is not a terminal. */
  progress?: boolean;
}

export const EXIT = { clean: 0, findings: 1, input: 2, incomplete: 3 } as const;

/** `--now`: ISO 8601 with an offset, else an input error. */
export const parseNow = (now: string | undefined): Date => {
  if (now === undefined) return new Date();
  const instant = parseIsoWithOffset(now);
  if (!instant) throw new InputError(`--now: expected ISO 8601 time with an offset (e.g. 2026-11-20T09:00:00Z), got "${now}"`);
  return instant;
};

export const DEFAULT_TIMEOUT = '30m';

/** `--timeout 30m` / `90s` / `2h` / `500ms` (a bare number is seconds; 0 is no deadline) in milliseconds. */
const MAX_TIMEOUT_MS = 24 * 24 * 3_600_000;

export const parseTimeout = (value: string | undefined): number => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec((value ?? DEFAULT_TIMEOUT).trim());
  if (!match) throw new InputError(`--timeout: expected a duration such as 30m, 90s or 2h (0: no deadline), got "${value}"`);
  const ms = Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
  // Node's timers hold at most 2^31-1 ms (24.8 days); a longer deadline is no deadline in practice: say so.
  if (ms > MAX_TIMEOUT_MS) throw new InputError(`--timeout: at most 24d (${MAX_TIMEOUT_MS / 3_600_000 | 0}h); use 0 for no deadline, got "${value}"`);
  return ms;
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

/** Without --now, an inventory is judged at the instant it was collected, not at today's clock (said in one line). */
const inventoryInstant = (inventory: Inventory, files: number, say: (line: string) => void): Date => {
  say(`dutybound: judging the inventory at its collectedAt ${inventory.collectedAt}${files > 1 ? ' (the earliest of the files)' : ''}; pass --now to judge it at another instant\n`);
  return new Date(inventory.collectedAt);
};

/** Shards collected far apart judge one estate at different instants: say so. */
export const MAX_SHARD_SPREAD_MINUTES = 60;
const shardSpreadWarning = (times: readonly string[]): string | undefined => {
  if (times.length < 2) return undefined;
  const spreadMinutes = (Date.parse(times.at(-1)!) - Date.parse(times[0]!)) / 60_000;
  if (spreadMinutes <= MAX_SHARD_SPREAD_MINUTES) return undefined;
  return `the inventory files were collected ${Math.round(spreadMinutes)} minutes apart (${times[0]} to ${times.at(-1)}): access that moved in between may be counted twice or not at all; collect the shards closer together`;
};

/** What every report states: the instant, the tool, the findings, what was read, the rules evaluated. */
export const reportBasics = (now: Date, findings: Finding[], coverage: Coverage[], config: Pick<Config, 'rules'>) => ({
  now: now.toISOString(),
  generatedAt: new Date().toISOString(),
  version: VERSION,
  findings,
  coverage,
  rules: ruleCatalogue.filter((rule) => !config.rules.disabled.includes(rule.id)),
});

export interface ScanResult {
  report: Report;
  exitCode: number;
  written: string[];
}

const exitCodeOf = (report: Report, options: Pick<ScanOptions, 'failOn' | 'failOnNew'>): number => {
  if (!report.complete) return EXIT.incomplete;
  if (report.suppressions?.expired.length) return EXIT.findings;
  const threshold = SEVERITIES.indexOf(options.failOnNew ?? options.failOn);
  const counted = options.failOnNew ? report.findings.filter((finding) => finding.new === true) : report.findings;
  return counted.some((finding) => SEVERITIES.indexOf(finding.severity) <= threshold) ? EXIT.findings : EXIT.clean;
};

export const runScan = async (options: ScanOptions, io: Io, loaded: LoadedConfig = loadConfig(options.config, io.cwd, io.env)): Promise<ScanResult> => {
  const log = stderrLogger(io, { quiet: options.quiet, progress: options.progress });
  const deadline = scanDeadline(parseTimeout(options.timeout));
  try {
    return await scanWithin(options, io, loaded, log, deadline.signal);
  } finally {
    deadline.clear();
  }
};

/** The scan itself; `signal` is its deadline: what is unfinished then fails, and the reports are still written. */
const scanWithin = async (options: ScanOptions, io: Io, loaded: LoadedConfig, log: Logger, signal: AbortSignal): Promise<ScanResult> => {
  const fromCli = (path: string) => resolvePath(io.cwd, path);
  const read = options.inventory.length
    ? await readInventoryFiles(options.inventory.map(fromCli), new Date().toISOString(), (times) => {
        const warning = shardSpreadWarning(times);
        if (warning) log.warn(warning);
      })
    : undefined;
  const now = read && options.now === undefined ? inventoryInstant(read, options.inventory.length, (line) => io.stderr.write(line)) : parseNow(options.now);
  const formats = options.format.length ? options.format : [...FORMATS];
  if (options.out === '-' && formats.length !== 1) throw new InputError('--out -: writes one report to stdout; pick one with --format');
  const only = parseOnly(options.only);
  const { config, baseDir } = loaded;

  const desired = await loadDesiredState(sourcePaths(config, options, io.cwd), config, now, { baseDir, log, env: io.env, signal });
  for (const warning of unknownScheduleWarnings(desired)) log.warn(warning);
  if (options.failOnNew && options.state === undefined && options.baseline === undefined)
    throw new InputError('--fail-on-new: needs the previous run, from --state FILE or --baseline report.json');
  if (options.state !== undefined && options.baseline !== undefined) log.warn('--baseline is not read when --state is given: the store holds the previous run');
  const history = await openHistory(
    { ...(options.state !== undefined ? { state: fromCli(options.state) } : {}), ...(options.baseline !== undefined ? { baseline: fromCli(options.baseline) } : {}) },
    now,
  );
  // After the inputs (bad input creates nothing), before any collection: a scan must not run
  // for an hour and then find it cannot write.
  const output = options.out === '-' ? undefined : await prepareOutputDirectory(options.out, io.cwd, formats.map((format) => renderers.get(format)!.fileName));

  let inventory: Inventory;
  if (read) {
    assertOnlyMatched(read, only, options.only!);
    inventory = filterInventory(read, only);
  } else {
    if (!configuredConnectors(config, only).length)
      throw new InputError(
        only
          ? `--only ${options.only}: no such system configured (expected one of the sections aws, github, kubernetes in the config)`
          : 'nothing to scan: pass --inventory FILE, or configure aws, github or kubernetes in dutybound.yaml',
      );
    inventory = await collectInventory(config, { now, log, baseDir, signal }, only);
    assertOnlyMatched(inventory, only, options.only!);
  }

  // A shard judges only its own grants (grant-hygiene would repeat the others' in every shard).
  const grants = only ? desired.grants.filter((grant) => grant.system === only.system && (!only.target || globMatches(grant.target, only.target))) : desired.grants;
  const evidence = buildEvidence(desired.grants, desired.shifts, dutyWindow(now));
  const judged = judge({ inventory, grants, desired, config, now });
  if (judged.ledgerInDoubt) log.warn(`${judged.ledgerInDoubt} finding(s) left out as unverifiable: a ledger source covering ${desired.unverifiableLedger.join(', ')} could not be read`);
  const { unverifiable, suppression } = judged;
  for (const warning of suppressionWarnings(suppression)) log.warn(warning);
  // Every report carries the enforcement plan (suppressed findings are accepted for now: never planned);
  // access enforce removed that is back says so in its finding.
  const enforcement = scanEnforcement({ findings: suppression.findings, inventory, desired, config, configFile: basename(loaded.file ?? 'dutybound.yaml'), now });
  const findings = enforcement.findings;
  const built = buildReport({
    ...reportBasics(now, findings, [...inventory.coverage, ...desired.coverage], config),
    unverifiable,
    evidence: evidence.evidence,
    enforcement: { ...enforcement.section },
  });
  const { report, commit } = withHistory(history, config.suppressions.length ? withSuppressions(built, suppression) : built, inventory);

  const context = reportContext(config, desired.grants, io.cwd);
  let written: string[] = [];
  if (!output) await renderers.get(formats[0]!)!.render(report, io.stdout, context);
  else {
    written = await writeReports(report, output, formats, context);
  }
  commit();
  if (options.evidence) appendAll(written, await writeEvidence(options.evidence, io.cwd, evidence, report.now));
  const exitCode = exitCodeOf(report, options);
  const summaryStream = options.out === '-' ? io.stderr : io.stdout;
  await say(summaryStream, summarize(report, written));
  return { report, exitCode, written };
};

export const summarize = (report: Report, written: readonly string[]): string => {
  const counts = SEVERITIES.map((severity) => `${report.summary.bySeverity[severity]} ${severity}`).join(', ');
  const suppressed = report.summary.suppressed ? `; ${report.summary.suppressed} suppressed` : '';
  const expired = report.suppressions?.expired.length ? `; ${report.suppressions.expired.length} expired suppression(s) fail the run` : '';
  const lines = [`${report.summary.findings} findings (${counts})${suppressed}${expired} at ${report.now}`];
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

/** What every renderer of a run needs: the rules at their configured severities, and where ledger rows are. */
export const reportContext = (config: Pick<Config, 'rules'>, grants: readonly Grant[], cwd: string): RenderContext => ({
  rules: effectiveCatalogue(config.rules.severity),
  locate: ledgerLocator(grants, cwd),
});

/** Each format's report into the output directory (checked before collection): temporary files, renamed together. */
export const writeReports = (report: Report, output: OutputDirectory, formats: readonly Format[], context: RenderContext): Promise<string[]> =>
  output.writeAll(formats.map((format) => renderers.get(format)!).map((renderer) => ({ name: renderer.fileName, render: (out) => renderer.render(report, out, context) })));

export const SCAN_DEFAULT_OUT = './dutybound-report';
