// The Grafana IRM / OnCall duty source: each schedule's final shifts read live.
import { scheduleSource } from '../schedule-ids.ts';
import { collectGrafana, GRAFANA_TOKEN_ENV } from './collect.ts';
import { grafanaSchema } from './schema.ts';

export const grafanaSource = scheduleSource({ id: 'grafana', title: 'Grafana IRM / OnCall', tokenEnv: GRAFANA_TOKEN_ENV, configSchema: grafanaSchema, collect: collectGrafana });
