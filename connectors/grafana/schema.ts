// The `grafana:` section of dutybound.yaml (DESIGN.md "Duty sources").
import type { z } from 'zod';
import { apiBaseUrl, scheduleSourceSchema } from '../schedule-ids.ts';

export const grafanaSchema = scheduleSourceSchema({
  baseUrl: apiBaseUrl().describe("The OnCall API URL of the stack (Grafana IRM: Alerts & IRM → OnCall → Settings → API URL, e.g. https://oncall-prod-us-central-0.grafana.net/oncall). Token: $GRAFANA_ONCALL_TOKEN."),
  idPattern: /^[A-Z0-9]+$/,
  idExample: 'SBM7DV7BKFUYU',
  describe: 'Grafana IRM / OnCall: final shifts of each schedule read live.',
});

export type GrafanaConfig = z.output<typeof grafanaSchema>;
