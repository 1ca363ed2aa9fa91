// The `pagerduty:` section of dutybound.yaml (DESIGN.md "Duty sources").
import { z } from 'zod';
import { apiBaseUrl } from '../schedule-ids.ts';

/** PagerDuty object ids: upper-case letters and digits (`PABC123`). */
const pagerdutyId = z.string().regex(/^[A-Z0-9]+$/, { error: 'expected a PagerDuty id such as PABC123' });

const nameToId = z.record(z.string().min(1), pagerdutyId);

export const pagerdutySchema = z
  .object({
    baseUrl: apiBaseUrl()
      .default('https://api.pagerduty.com')
      .describe('REST API root: https://api.pagerduty.com, or https://api.eu.pagerduty.com for the EU service region. Token: $PAGERDUTY_TOKEN.'),
    schedules: nameToId.default({}).describe('The name grants use in onCall → PagerDuty schedule id (`platform: PABC123`).'),
    escalationPolicies: nameToId
      .default({})
      .describe('The name grants use in onCall → escalation policy id: every level of the policy, each shift with its escalation level.'),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const name of Object.keys(config.escalationPolicies))
      if (name in config.schedules) ctx.addIssue({ code: 'custom', path: ['escalationPolicies', name], message: `the name ${JSON.stringify(name)} is also a schedule: one name, one source of duty` });
    if (!Object.keys(config.schedules).length && !Object.keys(config.escalationPolicies).length)
      ctx.addIssue({ code: 'custom', path: ['schedules'], message: 'name at least one schedule or escalation policy' });
  })
  .describe('PagerDuty: on-call shifts read live from GET /oncalls, under the names given here.');

export type PagerdutyConfig = z.output<typeof pagerdutySchema>;
