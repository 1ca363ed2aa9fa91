// Inventory files: read (several merged, coverage kept) and written (deterministically).
import { formatZodIssues } from '../config/load.ts';
import { parseYaml } from '../config/yaml.ts';
import { readText } from '../../connectors/files/rows.ts';
import { InputError, inputErrors } from '../errors.ts';
import { emptyInventory, type Credential, type Entitlement, type Inventory, type Principal } from '../model/index.ts';
import { inventorySchema } from '../model/schema.ts';
import { appendAll } from '../model/collections.ts';

/** The largest inventory file read (a JavaScript string holds at most about 512 MiB). */
export const MAX_INVENTORY_BYTES = 500 * 1024 * 1024;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const entitlementKey = (entitlement: Pick<Entitlement, 'target' | 'principal' | 'privilege' | 'resource' | 'via'> & { system: string }): string =>
  [entitlement.system, entitlement.target, entitlement.principal, entitlement.privilege, entitlement.resource, entitlement.via].join('\u0000');

/** Merge parts (connectors' results, inventory files) into one inventory, sorted so the same estate gives the same bytes. */
export const mergeInventories = (collectedAt: string, parts: readonly Omit<Inventory, 'schemaVersion' | 'collectedAt'>[]): Inventory => {
  const merged = emptyInventory(collectedAt);
  const principals = new Map<string, Principal>();
  const entitlements = new Map<string, Entitlement>();
  const credentials = new Map<string, Credential>();
  for (const part of parts) {
    appendAll(merged.coverage, part.coverage);
    for (const principal of part.principals) principals.set(principal.id, { ...principals.get(principal.id), ...principal });
    for (const entitlement of part.entitlements) entitlements.set(entitlementKey(entitlement), entitlement);
    for (const credential of part.credentials) credentials.set(credential.id, credential);
  }
  merged.coverage.sort((a, b) => compare(a.system, b.system) || compare(a.target, b.target));
  merged.principals = [...principals.values()].sort((a, b) => compare(a.id, b.id));
  merged.entitlements = [...entitlements.entries()].sort(([a], [b]) => compare(a, b)).map(([, entitlement]) => entitlement);
  merged.credentials = [...credentials.values()].sort((a, b) => compare(a.id, b.id));
  return merged;
};

export const parseInventory = (text: string, file: string): Inventory => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const result = inventorySchema.safeParse(raw);
  if (!result.success) {
    // Positions are worth a second parse only when there is something to point at.
    const { parsed } = parseYaml(text, { json: true });
    const problems = formatZodIssues(result.error, '', parsed ? (path) => parsed.lineOf(path) : undefined);
    throw inputErrors(file, problems.length > 20 ? [...problems.slice(0, 20), `… and ${problems.length - 20} more`] : problems);
  }
  if (!result.data.coverage.length)
    throw inputErrors(file, [
      'coverage: empty — an inventory that covers nothing proves nothing (expected one row per system and target read, as `dutybound collect` writes)',
    ]);
  return result.data as Inventory;
};

/** Reads and merges inventory files; `onCollectedAt` hears each file's collectedAt, sorted. */
export const readInventoryFiles = async (paths: readonly string[], collectedAt: string, onCollectedAt?: (times: string[]) => void): Promise<Inventory> => {
  const parts = await Promise.all(
    paths.map(async (path) => {
      // Bounded: /dev/zero or an endless pipe is an input error, not all of memory.
      const { text, problem } = await readText(path, MAX_INVENTORY_BYTES);
      if (text === undefined) throw new InputError(`cannot read inventory file: ${problem ?? path}`);
      return parseInventory(text, path);
    }),
  );
  const times = parts.map((part) => part.collectedAt).sort((a, b) => Date.parse(a) - Date.parse(b));
  onCollectedAt?.(times);
  return mergeInventories(times[0] ?? collectedAt, parts);
};

export const serializeInventory = (inventory: Inventory): string => `${JSON.stringify(inventory, null, 2)}\n`;
