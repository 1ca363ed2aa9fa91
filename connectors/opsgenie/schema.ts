// The `opsgenie:` section of dutybound.yaml (DESIGN.md "Duty sources").
import type { z } from 'zod';
import { apiBaseUrl, scheduleSourceSchema } from '../schedule-ids.ts';

export const opsgenieSchema = scheduleSourceSchema({
  baseUrl: apiBaseUrl().default('https://api.opsgenie.com').describe('REST API root: https://api.opsgenie.com, or https://api.eu.opsgenie.com for the EU instance. Token: $OPSGENIE_API_KEY.'),
  idPattern: /^[A-Za-z0-9-]+$/,
  idExample: '4513b7ea-3b91-438f-b7e4-e3e54af9147c',
  describe: "Opsgenie: final schedule timelines read live (Atlassian ends Opsgenie's REST API on 2027-04-05).",
});

export type OpsgenieConfig = z.output<typeof opsgenieSchema>;
