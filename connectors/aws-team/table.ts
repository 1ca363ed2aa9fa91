// Reads TEAM's requests table with a paged DynamoDB Scan. Credentials, region and endpoint follow
// the AWS SDK's own settings (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, profiles, web identity).
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CollectContext } from '../types.ts';
import type { AwsTeamConfig } from './schema.ts';

export const TABLE_PERMISSIONS = ['dynamodb:Scan'] as const;

/** Every item of the table, in DynamoDB's typed form; throws on the first failed page. */
export const scanTable = async (config: AwsTeamConfig & { table: string }, ctx: CollectContext): Promise<Record<string, AttributeValue>[]> => {
  const client = new DynamoDBClient({ maxAttempts: 4, retryMode: 'adaptive', ...(config.region ? { region: config.region } : {}) });
  const items: Record<string, AttributeValue>[] = [];
  try {
    let startKey: Record<string, AttributeValue> | undefined;
    let pages = 0;
    const seenKeys = new Set<string>();
    do {
      const page = await client.send(new ScanCommand({ TableName: config.table, ConsistentRead: true, ExclusiveStartKey: startKey }), { abortSignal: ctx.signal });
      for (const item of page.Items ?? []) items.push(item);
      startKey = page.LastEvaluatedKey;
      pages += 1;
      // A table that hands back a key it gave before would page forever: a fault, not more requests.
      const key = startKey === undefined ? undefined : JSON.stringify(startKey);
      if (key !== undefined && seenKeys.has(key)) throw new Error(`dynamodb:Scan ${config.table}: page ${pages} repeats an earlier LastEvaluatedKey`);
      if (key !== undefined) seenKeys.add(key);
      ctx.log.debug(`awsTeam: ${config.table}: page ${pages}, ${items.length} requests`);
    } while (startKey);
  } finally {
    client.destroy();
  }
  return items;
};
