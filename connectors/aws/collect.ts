// collect(): export import and live collection, one coverage row per account.
import type { Coverage } from '../../src/model/index.ts';
import type { CollectContext, CollectResult } from '../types.ts';
import { buildAccount, sortInventory, type AccountInventory } from './build.ts';
import { readAuthorizationDetails, readCredentialReport, resolveIn } from './export.ts';
import type { AwsConfig } from './schema.ts';

const buildOptions = (config: AwsConfig, now: Date) => ({
  emailTag: config.emailTag,
  breakGlassTag: config.breakGlassTag,
  includeServiceLinkedRoles: config.includeServiceLinkedRoles,
  includeReservedRoles: config.includeReservedRoles,
  classifier: config.classifier,
  now,
});

const merge = (result: CollectResult, part: Pick<AccountInventory, 'principals' | 'entitlements' | 'credentials'>): void => {
  result.principals.push(...part.principals);
  result.entitlements.push(...part.entitlements);
  result.credentials.push(...part.credentials);
};

/** Accounts from export files. Bad files are input errors (exit 2), never a silent gap. */
export const collectExports = (config: AwsConfig, ctx: CollectContext): CollectResult => {
  const result: CollectResult = { coverage: [], principals: [], entitlements: [], credentials: [] };
  for (const entry of config.exports) {
    if (ctx.onlyTarget && ctx.onlyTarget !== entry.account) continue;
    const details = readAuthorizationDetails(resolveIn(ctx.baseDir, entry.authorizationDetails));
    const report = entry.credentialReport ? readCredentialReport(resolveIn(ctx.baseDir, entry.credentialReport)) : undefined;
    const inventory = buildAccount({ account: entry.account, details, report }, buildOptions(config, ctx.now));
    merge(result, inventory);
    const row: Coverage = { system: 'aws', target: entry.account, status: report ? 'ok' : 'partial' };
    if (!report) row.error = 'no credential report given: access keys and console passwords not collected';
    if (inventory.notes.length) row.notes = inventory.notes;
    result.coverage.push(row);
  }
  return result;
};

export const collectAws = async (config: AwsConfig, ctx: CollectContext): Promise<CollectResult> => {
  const result = collectExports(config, ctx);
  result.coverage.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return sortInventory(result);
};
