// Runs the configured privilege connectors concurrently and merges their results. A
// connector that throws unexpectedly becomes a failed coverage row, never "no findings".
import { connectors as registry } from '../../connectors/index.ts';
import type { CollectContext, PrivilegeConnector } from '../../connectors/types.ts';
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

export const collectInventory = async (
  config: Config,
  context: Omit<CollectContext, 'onlyTarget'>,
  only?: OnlyFilter,
  connectors: ReadonlyMap<System, PrivilegeConnector> = registry,
): Promise<Inventory> => {
  const selected = configuredConnectors(config, only, connectors);
  const results = await Promise.all(
    selected.map(async (connector) => {
      const section = (config as Record<string, unknown>)[connector.id];
      context.log.info(`${connector.id}: collecting`);
      try {
        const result = await connector.collect(section, { ...context, ...(only?.target ? { onlyTarget: only.target } : {}) });
        const failed = result.coverage.filter((row) => row.status !== 'ok').length;
        context.log.info(
          `${connector.id}: ${result.principals.length} principals, ${result.entitlements.length} entitlements, ${result.credentials.length} credentials from ${result.coverage.length} targets${failed ? ` (${failed} incomplete)` : ''}`,
        );
        return result;
      } catch (error) {
        if (error instanceof InputError) throw error;
        context.log.warn(`${connector.id}: collection failed: ${describeError(error)}`);
        return {
          coverage: [{ system: connector.id, target: only?.target ?? '*', status: 'failed' as const, error: describeError(error) }],
          principals: [],
          entitlements: [],
          credentials: [],
        };
      }
    }),
  );
  return mergeInventories(context.now.toISOString(), results);
};
