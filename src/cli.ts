#!/usr/bin/env node
// The command line: parses arguments, runs a command, sets the exit code. Nothing else exits.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FORMATS } from '../reports/types.ts';
import { runCollect } from './commands/collect.ts';
import { runDemo } from './commands/demo.ts';
import { runEnforce } from './commands/enforce.ts';
import { processIo, type Io } from './commands/io.ts';
import { terminalText } from './commands/terminal.ts';
import { runPermissions } from './commands/permissions.ts';
import { runRestore } from './commands/restore.ts';
import { runRules } from './commands/rules.ts';
import { DEFAULT_TIMEOUT, EXIT, parseFormats, runScan, SCAN_DEFAULT_OUT } from './commands/scan.ts';
import { runValidate } from './commands/validate.ts';
import { describeError, InputError } from './errors.ts';
import { SEVERITIES, type Severity } from './model/index.ts';
import { VERSION } from './version.ts';

const EXIT_CODES =
  'Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage, config or input error (nothing scanned); 3 scan incomplete (a connector or source failed; reports still written and marked incomplete).';

const ENFORCE_EXIT_CODES =
  'Exit codes: 0 every planned action applied and verified, or nothing to do (--plan: always, unless 2); 1 an action failed, was refused (protected, shared) or was skipped as changed; 2 usage, config or input error (nothing revoked); 3 coverage incomplete (the actions that depend on it were blocked); 4 a guard blocked the whole apply (not enabled, over maxActions or maxActionsPercent): nothing revoked.';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

const configOption = <T>(y: Argv<T>) =>
  y.option('config', { alias: 'c', type: 'string', describe: 'Config file (default: ./dutybound.yaml if present)' });

const networkOptions = <T>(y: Argv<T>) =>
  y
    .option('timeout', { type: 'string', default: DEFAULT_TIMEOUT, describe: 'Deadline of the whole scan (30m, 90s, 2h; 0: none): unfinished targets then fail with "deadline exceeded" (exit 3)' })
    .option('progress', { type: 'boolean', default: false, describe: 'Per-target progress on stderr even when it is not a terminal' });

const sourceOptions = <T>(y: Argv<T>) =>
  y
    .option('ledger', { type: 'string', array: true, describe: 'Grant ledger file(s): YAML, JSON, JSONL or CSV; adds to the config' })
    .option('schedule', { type: 'string', array: true, describe: 'On-call schedule file(s) or ICS feed(s) (.ics, http(s) URL); adds to the config' })
    .option('people', { type: 'string', describe: 'People file (people and owners); replaces the config one' })
    .option('now', { type: 'string', describe: 'Evaluation instant, ISO 8601 with offset (default: the clock)' });

/** Runs the CLI; returns the exit code (the caller sets it). */
export const main = async (argv: string[], io: Io = processIo()): Promise<number> => {
  let exitCode: number = EXIT.clean;
  const run = (command: Promise<number>) => command.then((code) => void (exitCode = code));
  // yargs reads a lone `-` as a positional argument; `--out -` means stdout, so join the pair.
  const args: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const joined = (argv[index] === '--out' || argv[index] === '-o') && argv[index + 1] === '-';
    args.push(joined ? '--out=-' : argv[index]!);
    if (joined) index += 1;
  }
  const parser = yargs(args)
    .scriptName('dutybound')
    .usage('$0 <command> [options]\n\nKeeps privileged access honest: compares who holds which privileges in AWS IAM, GitHub and Kubernetes with the grant ledger and the on-call schedule, and reports the drift.')
    .command(
      'scan',
      'Collect (or read --inventory), evaluate every rule, write the reports',
      (y) =>
        networkOptions(sourceOptions(configOption(y)))
          .option('out', { alias: 'o', type: 'string', default: SCAN_DEFAULT_OUT, describe: 'Report directory, or - for stdout (one --format)' })
          .option('format', { alias: 'f', type: 'string', array: true, default: [FORMATS.join(',')], describe: `Report formats: ${FORMATS.join(', ')}` })
          .option('fail-on', { type: 'string', choices: SEVERITIES, default: 'high', describe: 'Exit 1 when a finding is at or above this severity' })
          .option('only', { type: 'string', describe: 'Scan one system or target: SYSTEM[:TARGET] (aws, github:acme, kubernetes:prod)' })
          .option('inventory', { alias: 'i', type: 'string', array: true, describe: 'Inventory file(s) from `collect` instead of live collection (merged)' })
          .option('baseline', { type: 'string', describe: 'Previous report.json: mark new findings and list resolved ones' })
          .option('evidence', { type: 'string', describe: 'Directory for the ledger and duty data judged by: one file per ledger file and schedule, with sha256s' })
          .option('state', { type: 'string', describe: 'State store (SQLite file, created if absent) kept between runs: finding ages, new/resolved, entitlement drift' })
          .option('fail-on-new', { type: 'string', choices: SEVERITIES, describe: 'Exit 1 only on NEW findings at or above this severity (instead of --fail-on); needs --state or --baseline' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
          .epilog(`${EXIT_CODES}\n\nWith --inventory, --only keeps that system or target of the files and fails (exit 2) when they hold none of it.`),
      (args) =>
        run(
          runScan(
            {
              config: args.config,
              now: args.now,
              out: args.out,
              format: parseFormats(list(args.format)),
              failOn: args['fail-on'] as Severity,
              only: args.only,
              inventory: list(args.inventory),
              ledger: list(args.ledger),
              schedule: list(args.schedule),
              people: args.people,
              baseline: args.baseline,
              evidence: args.evidence,
              state: args.state,
              ...(args['fail-on-new'] ? { failOnNew: args['fail-on-new'] as Severity } : {}),
              quiet: args.quiet,
              timeout: args.timeout,
              progress: args.progress,
            },
            io,
          ).then((result) => result.exitCode),
        ),
    )
    .command(
      'collect',
      'Collect the inventory only and write it to a file (for sharded scans and offline reviews)',
      (y) =>
        networkOptions(configOption(y))
          .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Inventory file to write, or - for stdout' })
          .option('only', { type: 'string', describe: 'Collect one system or target: SYSTEM[:TARGET]' })
          .option('now', { type: 'string', describe: 'Instant recorded as collectedAt (default: the clock)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
          .epilog('Exit codes: 0 every target read; 2 usage, config or input error; 3 a target failed or was read in part (the inventory is still written, with its coverage).'),
      (args) => run(runCollect({ config: args.config, only: args.only, out: args.out, now: args.now, quiet: args.quiet, timeout: args.timeout, progress: args.progress }, io)),
    )
    .command(
      'validate',
      'Check the config, ledger, schedule and people files; report every problem with file and line',
      (y) =>
        sourceOptions(configOption(y)).epilog(
          'Reads every source as a scan would (--now places the window ICS feeds are expanded in) and prints what it found. Exit codes: 0 all valid; 2 a problem, each named with file, line and field; 3 a feed could not be fetched.',
        ),
      (args) => run(runValidate({ config: args.config, ledger: list(args.ledger), schedule: list(args.schedule), people: args.people, now: args.now }, io)),
    )
    .command(
      'rules',
      'Print the rule catalogue (ids, severities, what fires, what to do)',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'As JSON' }),
      (args) => run(runRules({ json: args.json }, io)),
    )
    .command(
      'permissions <system>',
      'Print the least-privilege permissions a connector needs (AWS policy, GitHub App permissions, Kubernetes ClusterRole)',
      (y) =>
        y
          .positional('system', { type: 'string', demandOption: true, describe: 'aws, github or kubernetes' })
          .option('mode', { type: 'string', choices: ['scan', 'enforce'] as const, default: 'scan' as const, describe: 'Read-only scanning, or enforce mode' }),
      (args) => run(runPermissions({ system: args.system, mode: args.mode }, io)),
    )
    .command(
      'enforce',
      'Revoke what the ledger and the on-call schedule no longer allow: --plan shows it, --apply does it (with enforce.enabled)',
      (y) =>
        configOption(y)
          .option('plan', { type: 'boolean', describe: 'Plan only: print and report what would be revoked; writes `planned` lines to the audit log, revokes nothing' })
          .option('apply', { type: 'boolean', describe: 'Revoke the planned actions (needs enforce.enabled: true); every guard is checked before the first write' })
          .option('max-actions', { type: 'number', describe: 'Lower enforce.maxActions for this run (never raise it)' })
          .option('only', { type: 'string', describe: 'Enforce on one system or target: SYSTEM[:TARGET]' })
          .option('now', { type: 'string', describe: 'Evaluation instant, ISO 8601 with offset (default: the clock)' })
          .option('out', { alias: 'o', type: 'string', default: SCAN_DEFAULT_OUT, describe: 'Report directory (the plan and outcomes are in every report)' })
          .option('inventory', { alias: 'i', type: 'string', array: true, describe: 'Inventory file(s) instead of live collection: --plan only (refused with --apply)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
          .epilog(
            `Try it safely: run --plan and read the plan; set enforce.stageHours so an action is applied only after it was planned that long ago; then --apply with enforce.enabled: true. Every action is in the audit log (enforce.auditLog); dutybound restore ACTION_ID undoes one.\n\n${ENFORCE_EXIT_CODES}`,
          ),
      (args) =>
        run(
          runEnforce(
            {
              config: args.config,
              now: args.now,
              only: args.only,
              out: args.out,
              plan: args.plan === true,
              apply: args.apply === true,
              ...(args['max-actions'] !== undefined ? { maxActions: args['max-actions'] } : {}),
              inventory: list(args.inventory),
              quiet: args.quiet,
            },
            io,
          ).then((result) => result.exitCode),
        ),
    )
    .command(
      'restore <action-id>',
      'Undo one applied enforce action from the prior state in the audit log',
      (y) =>
        configOption(y)
          .positional('action-id', { type: 'string', demandOption: true, describe: 'The action id (from the enforce output, the report or the audit log)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
          .epilog('Re-applies the recorded prior state where the system allows it and says precisely where it does not (a deleted deploy key comes back with a new id; a revoked token cannot). Appends `restored` to the audit log. Exit codes: 0 restored; 1 not reversible, already restored or the write failed; 2 unknown action or config error.'),
      (args) => run(runRestore({ actionId: String(args['action-id']), config: args.config, quiet: args.quiet }, io)),
    )
    .command(
      'demo',
      'Scan the bundled demo estate at a fixed instant and write its reports (exits 0)',
      (y) =>
        y
          .option('out', { alias: 'o', type: 'string', default: SCAN_DEFAULT_OUT, describe: 'Report directory' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' }),
      (args) => run(runDemo({ out: args.out, quiet: args.quiet }, io)),
    )
    .demandCommand(1, 'Name a command: scan, collect, validate, enforce, restore, rules, permissions or demo.')
    .epilog(`${EXIT_CODES}\n\nDocs: README.md; the rules: dutybound rules.`)
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      throw error ?? new InputError(message);
    });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(terminalText(`dutybound: ${error.message}\n`));
      if (!error.problems.length && /Unknown|Missing|Not enough|Invalid values|Name a command/.test(error.message))
        io.stderr.write('Run dutybound --help for usage.\n');
      return EXIT.input;
    }
    // An internal error: nothing was revoked and the scan is not trustworthy; say so loudly.
    // The stack's frames only: its first lines repeat the message, which describeError has cleaned.
    const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n') : '';
    io.stderr.write(terminalText(`dutybound: internal error: ${describeError(error)}\n${frames}\n`));
    return EXIT.input;
  }
};

/** Runs the CLI as this process: its arguments, its streams, its exit code. */
export const runProcess = async (argv: string[] = hideBin(process.argv)): Promise<void> => {
  // A closed pipe (`dutybound rules | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main(argv);
  // A scan cut short by its deadline may leave a server's wait behind (a rate-limit reset): once
  // the reports are written, nothing it could still do matters, so it does not hold the exit.
  setTimeout(() => process.exit(), 3_000).unref();
};

if (import.meta.main) await runProcess();
