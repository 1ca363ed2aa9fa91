// The Opsgenie duty source: final schedule timelines read live (its REST API ends on 2027-04-05).
import { scheduleSource } from '../schedule-ids.ts';
import { collectOpsgenie, OPSGENIE_TOKEN_ENV } from './collect.ts';
import { opsgenieSchema } from './schema.ts';

export const opsgenieSource = scheduleSource({ id: 'opsgenie', title: 'Opsgenie', tokenEnv: OPSGENIE_TOKEN_ENV, configSchema: opsgenieSchema, collect: collectOpsgenie });
