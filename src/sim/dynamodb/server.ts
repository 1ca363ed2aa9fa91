// A fake DynamoDB (JSON 1.0 protocol, `X-Amz-Target: DynamoDB_20120810.Scan`) on 127.0.0.1: enough
// of the API for a paged Scan of AWS TEAM's requests table, with the real error shapes and the
// x-amz-crc32 header the SDK checks.
import { crc32 } from 'node:zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../server.ts';

export interface DynamoFakeOptions {
  /** Table name → items (plain values; the fake marshals them). Each item needs a string `id`. */
  tables: Record<string, Record<string, unknown>[]>;
  /** Items per Scan page (DynamoDB pages by 1 MB; a small number exercises paging). */
  pageSize?: number;
  /** Every call answers AccessDeniedException. */
  denied?: boolean;
  /** A faulty table: every page hands back the first page's LastEvaluatedKey. */
  repeatKey?: boolean;
  latencyMs?: number;
}

const json10 = 'application/x-amz-json-1.0';

const answer = (status: number, body: unknown, operation: string): FakeResponse => {
  const payload = JSON.stringify(body);
  return { status, body: payload, operation, headers: { 'content-type': json10, 'x-amz-crc32': String(crc32(payload)), 'x-amzn-requestid': `fake-${Date.now()}` } };
};

const error = (type: string, message: string, operation: string): FakeResponse => answer(400, { __type: type, message }, operation);

const scan = (options: DynamoFakeOptions, input: { TableName?: string; ExclusiveStartKey?: { id?: { S?: string } } }): FakeResponse => {
  const items = input.TableName === undefined ? undefined : options.tables[input.TableName];
  if (!items) return error('com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', 'Requested resource not found', 'Scan');
  const after = options.repeatKey ? undefined : input.ExclusiveStartKey?.id?.S;
  const from = after === undefined ? 0 : items.findIndex((item) => item.id === after) + 1;
  const page = items.slice(from, from + (options.pageSize ?? 100));
  const last = from + page.length < items.length ? page.at(-1) : undefined;
  return answer(
    200,
    {
      Items: page.map((item) => marshall(item, { removeUndefinedValues: true })),
      Count: page.length,
      ScannedCount: page.length,
      ...(last ? { LastEvaluatedKey: { id: { S: String(last.id) } } } : {}),
    },
    'Scan',
  );
};

const handle = (options: DynamoFakeOptions) => (request: FakeRequest): FakeResponse => {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.replace(/^DynamoDB_20120810\./, '');
  if (options.denied)
    return error('com.amazon.coral.service#AccessDeniedException', `User: arn:aws:sts::111122223333:assumed-role/dutybound/scan is not authorized to perform: dynamodb:${operation}`, operation);
  if (operation !== 'Scan') return error('com.amazon.coral.service#UnknownOperationException', `unknown operation ${target}`, operation || 'unknown');
  return scan(options, JSON.parse(request.body || '{}') as Parameters<typeof scan>[1]);
};

export const startDynamoFake = (options: DynamoFakeOptions): Promise<FakeServer> => startFakeServer(handle(options), { latencyMs: options.latencyMs });
