// The `awsTeam:` section of dutybound.yaml: where AWS TEAM keeps its requests.
import { z } from 'zod';

export const awsTeamSchema = z
  .strictObject({
    table: z.string().min(1).optional().describe("TEAM's requests table in DynamoDB (read with a paged Scan; credentials and endpoint follow the AWS SDK's own settings)."),
    region: z.string().min(1).optional().describe('Region of the table (default: the SDK\'s, e.g. AWS_REGION).'),
    exports: z
      .array(z.string().min(1))
      .default([])
      .describe('Exported requests: the JSON `aws dynamodb scan --table-name … --output json` prints, or a JSON array of request records.'),
  })
  .refine((section) => section.table !== undefined || section.exports.length > 0, { message: 'name a table or at least one export file' })
  .describe('AWS TEAM (temporary elevated access for IAM Identity Center): its approved requests become ledger rows.');

export type AwsTeamConfig = z.output<typeof awsTeamSchema>;
