// collect(): export import and live collection, one coverage row per account. A failed account
// is a `failed` row with the error; the others go on.
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { describeError } from '../../src/errors.ts';
import type { Coverage } from '../../src/model/index.ts';
import type { CollectContext, CollectResult } from '../types.ts';
import { buildAccount, sortInventory, type AccessKeyId, type AccountInventory } from './build.ts';
import { awsClients, type AwsClientOptions, type AwsClients } from './clients.ts';
import type { CredentialReportRow } from './credentialReport.ts';
import { readAuthorizationDetails, readCredentialReport, resolveIn } from './export.ts';
import { fetchAccessKeyIds, fetchAuthorizationDetails, fetchCredentialReport, stepError } from './live.ts';
import type { AwsConfig } from './schema.ts';

export interface AwsCollectOptions extends AwsClientOptions {
  /** First wait between credential-report polls (doubles each time); default 2 s. */
  reportPollMs?: number;
  /** Items per GetAccountAuthorizationDetails page (default and AWS maximum 1000) and accounts per ListAccounts page. */
  pageSize?: number;
}

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

interface Target {
  id: string;
  roleName: string;
  externalId?: string;
  /** The caller's own account: no role to assume. */
  own?: boolean;
}

/** Accounts to collect live: the explicit list, the Organization's, or the caller's own. */
const liveTargets = async (config: AwsConfig, clients: AwsClients, pageSize: number | undefined): Promise<Target[]> => {
  const targets = new Map<string, Target>();
  for (const entry of config.accounts) {
    const t = typeof entry === 'string' ? { id: entry } : entry;
    targets.set(t.id, { id: t.id, roleName: t.roleName ?? config.roleName, externalId: t.externalId ?? config.externalId });
  }
  if (config.organization.enabled) {
    const org = clients.organizations();
    try {
      for await (const page of paginateListAccounts({ client: org, ...(pageSize ? { pageSize } : {}) }, {})) {
        for (const account of page.Accounts ?? []) {
          if (!account.Id || account.Status !== 'ACTIVE' || config.organization.exclude.includes(account.Id) || targets.has(account.Id)) continue;
          targets.set(account.Id, { id: account.Id, roleName: config.organization.roleName ?? config.roleName, externalId: config.organization.externalId ?? config.externalId });
        }
      }
    } catch (error) {
      throw stepError('organizations:ListAccounts', error);
    } finally {
      org.destroy();
    }
  }
  if (targets.size === 0 && !config.organization.enabled) {
    const own = await clients.callerAccount().catch((error: unknown) => {
      throw stepError('sts:GetCallerIdentity', error);
    });
    targets.set(own, { id: own, roleName: config.roleName, own: true });
  }
  return [...targets.values()];
};

interface AccountOutcome {
  coverage: Coverage;
  inventory?: AccountInventory;
}

const collectAccount = async (target: Target, config: AwsConfig, ctx: CollectContext, clients: AwsClients, options: AwsCollectOptions): Promise<AccountOutcome> => {
  const iamCredentials = target.own
    ? undefined
    : await clients.assumeRole(target.id, target.roleName, target.externalId).catch((error: unknown) => {
        throw stepError(`sts:AssumeRole arn:aws:iam::${target.id}:role/${target.roleName}`, error);
      });
  const iam = clients.iam(iamCredentials);
  try {
    const details = await fetchAuthorizationDetails(iam, options.pageSize);
    let report: CredentialReportRow[] | undefined;
    let reportError: string | undefined;
    let accessKeyIds: Map<string, AccessKeyId[]> | undefined;
    try {
      report = await fetchCredentialReport(iam, ctx.now, config.credentialReportMaxAgeHours, options.reportPollMs ?? 2000);
      if (config.resolveAccessKeyIds) accessKeyIds = await fetchAccessKeyIds(iam, report);
    } catch (error) {
      reportError = describeError(error);
    }
    const inventory = buildAccount({ account: target.id, details, report, accessKeyIds }, buildOptions(config, ctx.now));
    const coverage: Coverage = { system: 'aws', target: target.id, status: reportError ? 'partial' : 'ok' };
    if (reportError) coverage.error = `${reportError} (access keys and console passwords not collected)`;
    if (inventory.notes.length) coverage.notes = inventory.notes;
    return { coverage, inventory };
  } finally {
    iam.destroy();
  }
};

const byTarget = (a: Coverage, b: Coverage) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);

export const collectLive = async (config: AwsConfig, ctx: CollectContext, options: AwsCollectOptions, result: CollectResult): Promise<void> => {
  const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options);
  try {
    let targets: Target[];
    try {
      targets = await liveTargets(config, clients, options.pageSize);
    } catch (error) {
      result.coverage.push({ system: 'aws', target: config.organization.enabled ? 'organization' : 'accounts', status: 'failed', error: describeError(error) });
      return;
    }
    if (ctx.onlyTarget) targets = targets.filter((t) => t.id === ctx.onlyTarget);
    const limit = pLimit(config.concurrency);
    const outcomes = await Promise.all(
      targets.map((target) =>
        limit(async (): Promise<AccountOutcome> => {
          if (ctx.signal?.aborted) return { coverage: { system: 'aws', target: target.id, status: 'failed', error: 'collection aborted' } };
          try {
            return await collectAccount(target, config, ctx, clients, options);
          } catch (error) {
            ctx.log.warn(`aws ${target.id}: ${describeError(error)}`);
            return { coverage: { system: 'aws', target: target.id, status: 'failed', error: describeError(error) } };
          }
        }),
      ),
    );
    for (const outcome of outcomes) {
      result.coverage.push(outcome.coverage);
      if (outcome.inventory) merge(result, outcome.inventory);
    }
  } finally {
    clients.destroy();
  }
};

/** Live collection runs when accounts or an Organization are configured, or when the section names no exports (the caller's own account). */
export const wantsLive = (config: AwsConfig): boolean => config.accounts.length > 0 || config.organization.enabled || config.exports.length === 0;

export const collectAws = async (config: AwsConfig, ctx: CollectContext, options: AwsCollectOptions = {}): Promise<CollectResult> => {
  const result = collectExports(config, ctx);
  if (wantsLive(config)) await collectLive(config, ctx, options, result);
  result.coverage.sort(byTarget);
  return sortInventory(result);
};

