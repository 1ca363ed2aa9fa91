// The PagerDuty duty source: on-call shifts read live from the REST API.
import type { DutySource } from '../duty.ts';
import { collectPagerduty, PAGERDUTY_TOKEN_ENV } from './collect.ts';
import { pagerdutySchema } from './schema.ts';

export const pagerdutySource = {
  id: 'pagerduty',
  title: 'PagerDuty',
  tokenEnv: PAGERDUTY_TOKEN_ENV,
  configSchema: pagerdutySchema,
  names: (config) => [...Object.keys(config.schedules), ...Object.keys(config.escalationPolicies)],
  collect: collectPagerduty,
} satisfies DutySource<typeof pagerdutySchema>;
