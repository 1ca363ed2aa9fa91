// Scan history for `scan`: the previous run from `--state FILE` (the store) or `--baseline report.json`,
// applied to this run's report, and this run recorded in the store once its reports are written.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { Inventory } from '../model/index.ts';
import type { Report } from '../../reports/types.ts';
import { applyHistory, previousFromReport, privilegedEntitlements, pickStored } from './history.ts';
import { StateStore, type PreviousRun } from './store.ts';

export { StateStore } from './store.ts';

export interface History {
  store?: StateStore;
  previous?: PreviousRun;
  /** True when a store or a baseline gave a history (an empty store included: then everything is new). */
  active: boolean;
}

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

/** Opens the store (or reads the baseline) before anything is collected: a bad one is exit 2 with nothing scanned. */
export const openHistory = async (paths: { state?: string; baseline?: string }, now: Date): Promise<History> => {
  if (paths.state !== undefined && !existsSync(dirname(paths.state))) throw new InputError(`--state ${paths.state}: its directory does not exist`);
  const store = paths.state !== undefined ? await StateStore.open(paths.state) : undefined;
  try {
    // The store is the history when there is one; a baseline then only has to agree with it.
    const previous = store ? store.previous() : paths.baseline !== undefined ? previousFromReport(await readBaseline(paths.baseline)) : undefined;
    if (previous && Date.parse(previous.at) > now.getTime())
      throw new InputError(`${store ? `--state ${paths.state}` : `--baseline ${paths.baseline}`}: the previous run was at ${previous.at}, later than this one (${now.toISOString()}); pass a later --now`);
    return { ...(store ? { store } : {}), ...(previous ? { previous } : {}), active: store !== undefined || paths.baseline !== undefined };
  } catch (error) {
    store?.close();
    throw error;
  }
};

/** Digest of what was collected (not when): two scans of an unchanged estate give the same digest. */
export const inventoryDigest = (inventory: Inventory): string => {
  const hash = createHash('sha256');
  for (const key of ['coverage', 'principals', 'entitlements', 'credentials'] as const) {
    hash.update(`${key}\n`);
    for (const item of inventory[key]) hash.update(`${JSON.stringify(item)}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
};

export interface HistoryApplied {
  report: Report;
  commit: () => void;
}

/** Applies the history to the report; `commit()` records this run in the store (call it once the reports are written). */
export const withHistory = (history: History, report: Report, inventory: Inventory): HistoryApplied => {
  if (!history.active) return { report, commit: () => history.store?.close() };
  const entitlements = privilegedEntitlements(inventory.entitlements);
  const applied = applyHistory(report, history.previous, history.store ? entitlements : undefined);
  const commit = () => {
    const store = history.store;
    if (!store) return;
    try {
      store.record({
        now: report.now,
        generatedAt: report.generatedAt,
        complete: report.complete,
        summary: report.summary,
        inventoryDigest: inventoryDigest(inventory),
        findings: [...report.findings, ...(report.suppressed ?? [])].map(pickStored),
        resolved: applied.resolvedIds,
        entitlements,
        removedEntitlements: applied.removedEntitlements,
      });
    } finally {
      store.close();
    }
  };
  return { report: applied.report, commit };
};
