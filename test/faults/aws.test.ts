// AWS under network faults: the account whose calls stall, reset, drip, stream without end or
// answer 500 fails within its deadlines; the other account is complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAws } from '../../connectors/aws/collect.ts';
import { awsSchema } from '../../connectors/aws/schema.ts';
import { silentLogger } from '../../connectors/types.ts';
import { createAwsEstate, type FakeAwsEstate } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake } from '../../src/sim/aws/server.ts';
import { queryError } from '../../src/sim/aws/xml.ts';
import { startFaultProxy, type ProxiedRequest } from '../../src/sim/faults.ts';
import { FAULT_NETWORK, FAULT_SCAN_BOUND_MS, faultCases } from './cases.ts';

const now = new Date('2026-11-20T12:00:00Z');
let estate: FakeAwsEstate;
let fake: AwsFake;
beforeAll(async () => {
  estate = createAwsEstate(11, { accounts: 2, principalsPerAccount: 12 });
  fake = await startAwsFake(estate, { now: () => now, faults: { reportPolls: 0 } });
});
afterAll(() => fake.close());

/** A 500 as IAM and STS send one (awsQuery XML). */
const serverError = { headers: { 'content-type': 'text/xml' }, body: queryError('https://iam.amazonaws.com/doc/2010-05-08/', 'ServiceFailure', 'injected server fault', 'Receiver') };

/** Calls about one account: AssumeRole into it, and everything signed with its session keys. */
const about = (account: string) => (request: ProxiedRequest) =>
  String(request.headers.authorization ?? '').includes(`Credential=ASIA${account}`) || decodeURIComponent(request.body).includes(`arn:aws:iam::${account}:role/`);

describe('aws under network faults', () => {
  it.each(faultCases(3))('$name: the first account fails within its deadline, the second is complete', async ({ mode, after, error }) => {
    const [first, second] = estate.accounts.map((account) => account.id) as [string, string];
    const proxy = await startFaultProxy(fake.url, { mode, after, affects: about(first), dripMs: 50, serverError });
    try {
      const started = Date.now();
      const result = await collectAws(
        awsSchema.parse({ accounts: [first, second], maxAttempts: 8 }),
        { now, log: silentLogger, baseDir: '/', network: FAULT_NETWORK },
        { endpoint: proxy.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, reportPollMs: 5, pageSize: 5 },
      );
      expect(Date.now() - started).toBeLessThan(FAULT_SCAN_BOUND_MS);
      expect(result.coverage.map((row) => [row.target, row.status])).toEqual([
        [first, 'failed'],
        [second, 'ok'],
      ]);
      expect(result.coverage[0]!.error).toMatch(error);
      expect(result.principals.some((principal) => principal.target === second)).toBe(true);
      expect(result.principals.some((principal) => principal.target === first)).toBe(false);
      expect(proxy.faulted).toBeGreaterThan(0);
      // network.retries bounds timeouts, resets and 5xx (aws.maxAttempts is for throttling), and the budget bounds the account.
      expect(proxy.faulted).toBeLessThanOrEqual(after === 0 ? FAULT_NETWORK.retries + 1 : FAULT_NETWORK.retryBudget + 1);
    } finally {
      await proxy.close();
    }
  });
});
