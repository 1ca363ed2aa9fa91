// `dutybound collect`: live collection only, written as an inventory file.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { InputError } from '../errors.ts';
import { assertOnlyMatched, collectInventory, configuredConnectors, parseOnly } from '../engine/collect.ts';
import { serializeInventory } from '../engine/inventory.ts';
import { scanDeadline } from '../../connectors/network.ts';
import { EXIT, parseNow, parseTimeout } from './scan.ts';
import { stderrLogger, write, type Io } from './io.ts';

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
  const deadline = scanDeadline(parseTimeout(options.timeout));
  const log = stderrLogger(io, { quiet: options.quiet, progress: options.progress });
  const inventory = await collectInventory(config, { now, log, baseDir, signal: deadline.signal, network: config.network }, only).finally(deadline.clear);
  assertOnlyMatched(inventory, only, options.only!);
  const text = serializeInventory(inventory);
  if (options.out === '-') await write(io.stdout, text);
  else {
    const path = resolve(io.cwd, options.out);
    await writeFile(path, text);
    await write(io.stderr, `dutybound: wrote ${path}\n`);
  }
  const incomplete = inventory.coverage.filter((row) => row.status !== 'ok');
  for (const row of incomplete) await write(io.stderr, `dutybound: INCOMPLETE ${row.system}:${row.target} ${row.status}${row.error ? ` — ${row.error}` : ''}\n`);
  return incomplete.length ? EXIT.incomplete : EXIT.clean;
};
