#!/usr/bin/env node
// The command line: parses arguments, runs a command, sets the exit code. Nothing else exits.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FORMATS } from '../reports/types.ts';
import { runCollect } from './commands/collect.ts';
import { runDemo } from './commands/demo.ts';
import { processIo, type Io } from './commands/io.ts';
import { terminalText } from './commands/terminal.ts';
import { runPermissions } from './commands/permissions.ts';
import { runRules } from './commands/rules.ts';
import { EXIT, parseFormats, runScan, SCAN_DEFAULT_OUT } from './commands/scan.ts';
import { runValidate } from './commands/validate.ts';
import { describeError, InputError } from './errors.ts';
import { SEVERITIES, type Severity } from './model/index.ts';
import { VERSION } from './version.ts';

const EXIT_CODES =
  'Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage, config or input error (nothing scanned); 3 scan incomplete (a connector or source failed; reports still written and marked incomplete).';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

const configOption = <T>(y: Argv<T>) =>
  y.option('config', { alias: 'c', type: 'string', describe: 'Config file (default: ./dutybound.yaml if present)' });

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
        sourceOptions(configOption(y))
          .option('out', { alias: 'o', type: 'string', default: SCAN_DEFAULT_OUT, describe: 'Report directory, or - for stdout (one --format)' })
          .option('format', { alias: 'f', type: 'string', array: true, default: [FORMATS.join(',')], describe: `Report formats: ${FORMATS.join(', ')}` })
          .option('fail-on', { type: 'string', choices: SEVERITIES, default: 'high', describe: 'Exit 1 when a finding is at or above this severity' })
          .option('only', { type: 'string', describe: 'Scan one system or target: SYSTEM[:TARGET] (aws, github:acme, kubernetes:prod)' })
          .option('inventory', { alias: 'i', type: 'string', array: true, describe: 'Inventory file(s) from `collect` instead of live collection (merged)' })
          .option('baseline', { type: 'string', describe: 'Previous report.json: mark new findings and list resolved ones' })
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
              quiet: args.quiet,
            },
            io,
          ).then((result) => result.exitCode),
        ),
    )
    .command(
      'collect',
      'Collect the inventory only and write it to a file (for sharded scans and offline reviews)',
      (y) =>
        configOption(y)
          .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Inventory file to write, or - for stdout' })
          .option('only', { type: 'string', describe: 'Collect one system or target: SYSTEM[:TARGET]' })
          .option('now', { type: 'string', describe: 'Instant recorded as collectedAt (default: the clock)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
          .epilog('Exit codes: 0 every target read; 2 usage, config or input error; 3 a target failed or was read in part (the inventory is still written, with its coverage).'),
      (args) => run(runCollect({ config: args.config, only: args.only, out: args.out, now: args.now, quiet: args.quiet }, io)),
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
      'demo',
      'Scan the bundled demo estate at a fixed instant and write its reports (exits 0)',
      (y) =>
        y
          .option('out', { alias: 'o', type: 'string', default: SCAN_DEFAULT_OUT, describe: 'Report directory' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' }),
      (args) => run(runDemo({ out: args.out, quiet: args.quiet }, io)),
    )
    .demandCommand(1, 'Name a command: scan, collect, validate, rules, permissions or demo.')
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
    io.stderr.write(terminalText(`dutybound: internal error: ${describeError(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`));
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
};

if (import.meta.main) await runProcess();
