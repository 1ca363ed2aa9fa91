// `dutybound collect`: live collection only, written as an inventory file.
import { basename, dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { InputError } from '../errors.ts';
import { assertOnlyMatched, collectInventory, configuredConnectors, parseOnly } from '../engine/collect.ts';
import { serializeInventory } from '../engine/inventory.ts';
import { scanDeadline } from '../../connectors/network.ts';
import { EXIT, parseNow, parseTimeout } from './scan.ts';
import { say, stderrLogger, write, type Io } from './io.ts';
import { prepareOutputDirectory } from './output.ts';

export interface CollectOptions {
  config?: string;
  only?: string;
  out: string;
  now?: string;
  quiet?: boolean;
  /** `--timeout` (see scan). */
  timeout?: string;
  progress?: boolean;
}

export const runCollect = async (options: CollectOptions, io: Io): Promise<number> => {
  const { config, baseDir } = loadConfig(options.config, io.cwd, io.env);
  const only = parseOnly(options.only);
  if (!configuredConnectors(config, only).length)
    throw new InputError('nothing to collect: configure aws, github or kubernetes in dutybound.yaml (or check --only)');
  const now = parseNow(options.now);
  // Before any collection: the inventory file's directory must take it.
  const path = resolve(io.cwd, options.out);
  const output = options.out === '-' ? undefined : await prepareOutputDirectory(dirname(path), io.cwd, [basename(path)], '--out');
  const deadline = scanDeadline(parseTimeout(options.timeout));
  const log = stderrLogger(io, { quiet: options.quiet, progress: options.progress });
  const inventory = await collectInventory(config, { now, log, baseDir, signal: deadline.signal }, only).finally(deadline.clear);
  assertOnlyMatched(inventory, only, options.only!);
  const text = serializeInventory(inventory);
  if (!output) await write(io.stdout, text);
  else {
    await output.writeAll([{ name: basename(path), render: (out) => write(out, text) }]);
    await say(io.stderr, `dutybound: wrote ${path}\n`);
  }
  const incomplete = inventory.coverage.filter((row) => row.status !== 'ok');
  for (const row of incomplete) await say(io.stderr, `dutybound: INCOMPLETE ${row.system}:${row.target} ${row.status}${row.error ? ` — ${row.error}` : ''}\n`);
  return incomplete.length ? EXIT.incomplete : EXIT.clean;
};
