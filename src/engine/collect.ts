// Runs the configured privilege connectors concurrently and merges their results. A
// connector that throws unexpectedly becomes a failed coverage row, never "no findings".
import { connectors as registry } from '../../connectors/index.ts';
import { abortMessage } from '../../connectors/network.ts';
import type { CollectContext, CollectResult, PrivilegeConnector } from '../../connectors/types.ts';
import type { Config } from '../config/schema.ts';
import { describeError, InputError } from '../errors.ts';
import type { Inventory, System } from '../model/index.ts';
import { mergeInventories } from './inventory.ts';

export interface OnlyFilter {
  system: string;
  target?: string;
}

/** `--only aws` or `--only github:acme`. */
export const parseOnly = (only: string | undefined): OnlyFilter | undefined => {
  if (!only) return undefined;
  const [system, ...rest] = only.split(':');
  const target = rest.join(':');
  return { system: system!, ...(target ? { target } : {}) };
};

/** `--only` must name something that was read: a typo is an input error, never an empty clean scan. */
export const assertOnlyMatched = (inventory: Pick<Inventory, 'coverage'>, only: OnlyFilter | undefined, flag: string): void => {
  if (!only) return;
  const rows = inventory.coverage.filter((row) => row.system === only.system);
  if (rows.some((row) => !only.target || row.target === only.target)) return;
  const known = [...new Set(inventory.coverage.filter((row) => ['aws', 'github', 'kubernetes'].includes(row.system)).map((row) => `${row.system}:${row.target}`))].sort();
  throw new InputError(`--only ${flag}: nothing of that was ${known.length ? `read (targets read: ${known.join(', ')})` : 'read'}`);
};

/** The connectors whose section the config has, narrowed by --only. */
export const configuredConnectors = (
  config: Config,
  only?: OnlyFilter,
  connectors: ReadonlyMap<System, PrivilegeConnector> = registry,
): PrivilegeConnector[] =>
  [...connectors.values()].filter((connector) => (config as Record<string, unknown>)[connector.id] !== undefined && (!only || only.system === connector.id));

/** How long a connector may take to wind down after the scan's deadline before it is given up on. */
const WIND_DOWN_MS = 2_000;

/**
 * The connector's result, or undefined when it has not returned shortly after the deadline:
 * connectors stop their own requests when the signal aborts, and this is the backstop.
 */
const settleByDeadline = async (run: Promise<CollectResult>, signal: AbortSignal | undefined): Promise<CollectResult | undefined> => {
  if (!signal) return run;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    const start = () => (timer = setTimeout(resolve, WIND_DOWN_MS, undefined));
    if (signal.aborted) start();
    else signal.addEventListener('abort', start, { once: true });
  });
  run.catch(() => {}); // a late failure after the backstop fired is no longer anyone's
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** A connector that produced nothing: one failed row for everything it would have read. */
const failedResult = (system: System, target: string | undefined, error: string): CollectResult => ({
  coverage: [{ system, target: target ?? '*', status: 'failed', error }],
  principals: [],
  entitlements: [],
  credentials: [],
});

export const collectInventory = async (
  config: Config,
  context: Omit<CollectContext, 'onlyTarget'>,
  only?: OnlyFilter,
  connectors: ReadonlyMap<System, PrivilegeConnector> = registry,
): Promise<Inventory> => {
  const selected = configuredConnectors(config, only, connectors);
  // Every connector reads under the config's network settings, whoever calls (scan, collect, enforce).
  const network = context.network ?? config.network;
  const results = await Promise.all(
    selected.map(async (connector) => {
      const section = (config as Record<string, unknown>)[connector.id];
      context.log.info(`${connector.id}: collecting`);
      try {
        const result = await settleByDeadline(connector.collect(section, { ...context, network, ...(only?.target ? { onlyTarget: only.target } : {}) }), context.signal);
        if (result === undefined) return failedResult(connector.id, only?.target, abortMessage(context.signal));
        const failed = result.coverage.filter((row) => row.status !== 'ok').length;
        context.log.info(
          `${connector.id}: ${result.principals.length} principals, ${result.entitlements.length} entitlements, ${result.credentials.length} credentials from ${result.coverage.length} targets${failed ? ` (${failed} incomplete)` : ''}`,
        );
        return result;
      } catch (error) {
        if (error instanceof InputError) throw error;
        context.log.warn(`${connector.id}: collection failed: ${describeError(error)}`);
        return failedResult(connector.id, only?.target, describeError(error));
      }
    }),
  );
  return mergeInventories(context.now.toISOString(), results);
};
