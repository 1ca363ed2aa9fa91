// collect(): export import and live collection, one coverage row per account. A failed account
// is a `failed` row with the error; the others go on.
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { describeError } from '../../src/errors.ts';
import type { Coverage } from '../../src/model/index.ts';
import { abortMessage, type TargetNetwork } from '../network.ts';
import type { CollectContext, CollectResult } from '../types.ts';
import type { PolicyDocument } from './classify.ts';
import { buildIdentityCenter, fetchIdentityCenter, identityCenterTarget } from './identityCenter.ts';
import type { AuthorizationDetails } from './authz.ts';
import { buildAccount, sortInventory, type AccountInventory } from './build.ts';
import { awsClients, type AwsClientOptions, type AwsClients } from './clients.ts';
import { readAuthorizationDetails, readCredentialReport, resolveIn } from './export.ts';
import { fetchAccessKeyIds, fetchAuthorizationDetails, fetchCredentialReport, stepError } from './live.ts';
import type { AwsConfig } from './schema.ts';
import { appendAll } from '../../src/model/collections.ts';

export interface AwsCollectOptions extends AwsClientOptions {
  /** First wait between credential-report polls (doubles each time); default 2 s. */
  reportPollMs?: number;
  /** Items per GetAccountAuthorizationDetails page (default and AWS maximum 1000), and per page of the Organizations and Identity Center lists. */
  pageSize?: number;
}

const buildOptions = (config: AwsConfig, now: Date) => ({
  emailTag: config.emailTag,
  ownerTag: config.ownerTag,
  breakGlassTag: config.breakGlassTag,
  includeServiceLinkedRoles: config.includeServiceLinkedRoles,
  includeReservedRoles: config.includeReservedRoles,
  classifier: config.classifier,
  now,
});

const merge = (result: CollectResult, part: Pick<AccountInventory, 'principals' | 'entitlements' | 'credentials'>): void => {
  appendAll(result.principals, part.principals);
  appendAll(result.entitlements, part.entitlements);
  appendAll(result.credentials, part.credentials);
};

/** Accounts from export files. Bad files are input errors (exit 2), never a silent gap. */
export const collectExports = (config: AwsConfig, ctx: CollectContext, documents = new Map<string, PolicyDocument>()): CollectResult => {
  const result: CollectResult = { coverage: [], principals: [], entitlements: [], credentials: [] };
  for (const entry of config.exports) {
    if (ctx.onlyTarget && ctx.onlyTarget !== entry.account) continue;
    const details = readAuthorizationDetails(resolveIn(ctx.baseDir, entry.authorizationDetails));
    const report = entry.credentialReport ? readCredentialReport(resolveIn(ctx.baseDir, entry.credentialReport)) : undefined;
    const inventory = buildAccount({ account: entry.account, details, report }, buildOptions(config, ctx.now));
    merge(result, inventory);
    for (const [arn, document] of awsManagedDocuments(details)) documents.set(arn, document);
    ctx.log.info(`aws ${entry.account} (export): ${inventory.principals.length} principals, ${inventory.entitlements.length} entitlements, ${inventory.credentials.length} credentials`);
    const row: Coverage = { system: 'aws', target: entry.account, status: report ? 'ok' : 'partial' };
    if (!report) row.error = 'no credential report given: access keys and console passwords not collected';
    if (inventory.notes.length) row.notes = inventory.notes;
    result.coverage.push(row);
  }
  return result;
};

/** AWS-managed policy documents (the same in every account), for classifying permission sets. */
const awsManagedDocuments = (details: AuthorizationDetails): Map<string, PolicyDocument> =>
  new Map([...details.policies.values()].filter((p) => p.document && p.arn.startsWith('arn:aws:iam::aws:')).map((p) => [p.arn, p.document!]));

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
  /** AWS-managed policy documents seen in the account (the same everywhere), for permission sets. */
  documents?: Map<string, PolicyDocument>;
}

const collectAccount = async (target: Target, config: AwsConfig, ctx: CollectContext, clients: AwsClients, options: AwsCollectOptions, net: TargetNetwork): Promise<AccountOutcome> => {
  net.started();
  const iamCredentials = target.own
    ? undefined
    : await clients.assumeRole(target.id, target.roleName, target.externalId, net).catch((error: unknown) => {
        throw stepError(`sts:AssumeRole arn:aws:iam::${target.id}:role/${target.roleName}`, error);
      });
  const iam = clients.iam(iamCredentials, net);
  try {
    // The report's generation (seconds on AWS) runs while the authorization details are paged.
    const reportTask = (async () => {
      const report = await fetchCredentialReport(iam, ctx.now, config.credentialReportMaxAgeHours, options.reportPollMs ?? 2000);
      const accessKeyIds = config.resolveAccessKeyIds ? await fetchAccessKeyIds(iam, report) : undefined;
      return { report, accessKeyIds };
    })().then(
      (value) => ({ ...value, error: undefined }),
      (error: unknown) => ({ report: undefined, accessKeyIds: undefined, error: describeError(error) }),
    );
    const details = await fetchAuthorizationDetails(iam, options.pageSize);
    const { report, accessKeyIds, error: reportError } = await reportTask;
    // An account that ran out of time or of retries did not finish: failed, not partial.
    if (ctx.signal?.aborted) throw net.deadlineError();
    if (reportError && net.gaveUp) throw new Error(reportError);
    net.done();
    const inventory = buildAccount({ account: target.id, details, report, accessKeyIds }, buildOptions(config, ctx.now));
    const coverage: Coverage = { system: 'aws', target: target.id, status: reportError ? 'partial' : 'ok' };
    if (reportError) coverage.error = `${reportError} (access keys and console passwords not collected)`;
    if (inventory.notes.length) coverage.notes = inventory.notes;
    ctx.log.info(`aws ${target.id}: ${inventory.principals.length} principals, ${inventory.entitlements.length} entitlements, ${inventory.credentials.length} credentials${reportError ? ' (no credential report)' : ''}`);
    return { coverage, inventory, documents: awsManagedDocuments(details) };
  } finally {
    iam.destroy();
  }
};

const byTarget = (a: Coverage, b: Coverage) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);

/** Accounts live, into `result`; the AWS-managed policy documents seen go into `documents`. */
export const collectLive = async (config: AwsConfig, ctx: CollectContext, clients: AwsClients, options: AwsCollectOptions, result: CollectResult, documents: Map<string, PolicyDocument>): Promise<void> => {
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
        if (ctx.signal?.aborted) return { coverage: { system: 'aws', target: target.id, status: 'failed', error: abortMessage(ctx.signal) } };
        const net = clients.network(`aws ${target.id}`);
        try {
          return await collectAccount(target, config, ctx, clients, options, net);
        } catch (error) {
          net.done('failed');
          ctx.log.warn(`aws ${target.id}: ${describeError(error)}`);
          return { coverage: { system: 'aws', target: target.id, status: 'failed', error: describeError(error) } };
        }
      }),
    ),
  );
  for (const outcome of outcomes) {
    result.coverage.push(outcome.coverage);
    if (outcome.inventory) merge(result, outcome.inventory);
    for (const [arn, document] of outcome.documents ?? []) documents.set(arn, document);
  }
};

/** Identity Center, with the caller's own credentials (management or delegated administrator account). */
const collectIdentityCenter = async (config: AwsConfig, ctx: CollectContext, clients: AwsClients, options: AwsCollectOptions, documents: Map<string, PolicyDocument>, result: CollectResult): Promise<void> => {
  const settings = config.identityCenter;
  const region = settings.region ?? config.region;
  const net = clients.network('aws identity center');
  const sso = clients.ssoAdmin(region, net);
  const store = clients.identityStore(region, net);
  try {
    const data = await fetchIdentityCenter(sso, store, { instanceArn: settings.instanceArn, identityStoreId: settings.identityStoreId, concurrency: config.concurrency, pageSize: options.pageSize });
    const target = identityCenterTarget(data.identityStoreId);
    // Explicit accounts limit the assignments reported; an Organization or the caller's account take them all.
    let accounts = config.accounts.length && !config.organization.enabled ? new Set(config.accounts.map((a) => (typeof a === 'string' ? a : a.id))) : undefined;
    if (ctx.onlyTarget && ctx.onlyTarget !== target) accounts = new Set([ctx.onlyTarget]);
    const built = buildIdentityCenter(data, { now: ctx.now, lists: config.classifier, documents, accounts });
    appendAll(result.principals, ctx.onlyTarget && ctx.onlyTarget !== target ? built.principals.filter((p) => built.entitlements.some((e) => e.principal === p.id)) : built.principals);
    appendAll(result.entitlements, built.entitlements);
    const customer = [...data.permissionSets.values()].filter((ps) => ps.customerManagedPolicies.length).map((ps) => ps.name);
    const row: Coverage = { system: 'aws', target, status: 'ok' };
    if (customer.length) row.notes = [`permission sets with customer-managed policies (classified at least write, their documents not read): ${customer.sort().join(', ')}`];
    result.coverage.push(row);
  } catch (error) {
    ctx.log.warn(`aws identity center: ${describeError(error)}`);
    result.coverage.push({ system: 'aws', target: settings.identityStoreId ? identityCenterTarget(settings.identityStoreId) : 'identitycenter', status: 'failed', error: describeError(error) });
  } finally {
    sso.destroy();
    store.destroy();
  }
};

/** Live collection runs when accounts or an Organization are configured, or when the section names no exports (the caller's own account). */
export const wantsLive = (config: AwsConfig): boolean => config.accounts.length > 0 || config.organization.enabled || config.exports.length === 0;

export const collectAws = async (config: AwsConfig, ctx: CollectContext, options: AwsCollectOptions = {}): Promise<CollectResult> => {
  const documents = new Map<string, PolicyDocument>();
  const result = collectExports(config, ctx, documents);
  if (wantsLive(config) || config.identityCenter.enabled) {
    const clients = awsClients({ region: config.region, maxAttempts: config.maxAttempts }, options, { network: ctx.network, log: ctx.log, signal: ctx.signal });
    try {
      if (wantsLive(config)) await collectLive(config, ctx, clients, options, result, documents);
      if (config.identityCenter.enabled) await collectIdentityCenter(config, ctx, clients, options, documents, result);
    } finally {
      clients.destroy();
    }
  }
  result.coverage.sort(byTarget);
  return sortInventory(result);
};

