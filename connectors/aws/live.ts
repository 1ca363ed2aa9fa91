// Live collection of one account: GetAccountAuthorizationDetails (every page) and the credential
// report — a handful of calls whatever the account's size, never one per user.
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  ListAccessKeysCommand,
  paginateGetAccountAuthorizationDetails,
  type IAMClient,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { parseAuthorizationDetails, type AuthorizationDetails } from './authz.ts';
import type { AccessKeyId } from './build.ts';
import { parseCredentialReport, type CredentialReportRow } from './credentialReport.ts';
import { appendAll } from '../../src/model/collections.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An SDK error as `Code: message`, under the step that failed. */
export const stepError = (step: string, error: unknown): Error => {
  const e = error as { name?: string; message?: string };
  return new Error(`${step}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(error)}`, { cause: error });
};

export const fetchAuthorizationDetails = async (iam: IAMClient, pageSize = 1000): Promise<AuthorizationDetails> => {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: new Map() };
  try {
    // Each page is normalised as it arrives, so the SDK's objects of a large account are not all held at once.
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize }, {})) {
      const part = parseAuthorizationDetails([page as unknown as Record<string, unknown>]);
      appendAll(details.users, part.users);
      appendAll(details.groups, part.groups);
      appendAll(details.roles, part.roles);
      for (const [arn, policy] of part.policies) details.policies.set(arn, policy);
    }
  } catch (error) {
    throw stepError('iam:GetAccountAuthorizationDetails', error);
  }
  return details;
};

const NOT_READY = new Set(['ReportNotPresent', 'ReportExpired', 'ReportInProgress', 'CredentialReportNotPresentException', 'CredentialReportExpiredException', 'CredentialReportNotReadyException']);

/**
 * The credential report: the current one when younger than maxAgeHours, else a new one
 * (GenerateCredentialReport polled with backoff until COMPLETE).
 */
export const fetchCredentialReport = async (iam: IAMClient, now: Date, maxAgeHours: number, pollMs: number): Promise<CredentialReportRow[]> => {
  const get = async () => {
    try {
      const out = await iam.send(new GetCredentialReportCommand({}));
      return out;
    } catch (error) {
      if (NOT_READY.has((error as { name?: string }).name ?? '')) return undefined;
      throw stepError('iam:GetCredentialReport', error);
    }
  };
  let report = await get();
  const fresh = report?.GeneratedTime && now.getTime() - report.GeneratedTime.getTime() < maxAgeHours * 3_600_000;
  if (!fresh) {
    let delay = pollMs;
    for (let attempt = 0; ; attempt += 1) {
      let state: string | undefined;
      try {
        state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
      } catch (error) {
        throw stepError('iam:GenerateCredentialReport', error);
      }
      if (state === 'COMPLETE') break;
      if (attempt >= 20) throw new Error('iam:GenerateCredentialReport: the report was still not complete after 20 polls');
      await sleep(delay);
      delay = Math.min(delay * 2, 10_000);
    }
    report = await get();
  }
  if (!report?.Content) throw new Error('iam:GetCredentialReport: no report content');
  try {
    return parseCredentialReport(Buffer.from(report.Content).toString('utf8'));
  } catch (error) {
    throw stepError('credential report', error);
  }
};

/** Real access key ids, one ListAccessKeys call per user the report shows with a key. */
export const fetchAccessKeyIds = async (iam: IAMClient, report: CredentialReportRow[]): Promise<Map<string, AccessKeyId[]>> => {
  const limit = pLimit(4);
  const users = report.filter((row) => !row.isRoot && row.keys.length > 0);
  const entries = await Promise.all(
    users.map((row) =>
      limit(async () => {
        try {
          const out = await iam.send(new ListAccessKeysCommand({ UserName: row.user }));
          const keys = (out.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', createdAt: k.CreateDate?.toISOString() ?? '', status: k.Status === 'Active' ? ('active' as const) : ('inactive' as const) }));
          return [row.user, keys] as const;
        } catch (error) {
          throw stepError(`iam:ListAccessKeys ${row.user}`, error);
        }
      }),
    ),
  );
  return new Map(entries);
};
