// The registry of privilege connectors: id → connector. A test asserts every folder here is registered.
import type { System } from '../src/model/index.ts';
import { awsConnector } from './aws/index.ts';
import { githubConnector } from './github/index.ts';
import { kubernetesConnector } from './kubernetes/index.ts';
import type { DutySource } from './duty.ts';
import { grafanaSource } from './grafana/index.ts';
import { opsgenieSource } from './opsgenie/index.ts';
import { pagerdutySource } from './pagerduty/index.ts';
import type { PrivilegeConnector } from './types.ts';

export const connectors: ReadonlyMap<System, PrivilegeConnector> = new Map<System, PrivilegeConnector>([
  ['aws', awsConnector],
  ['github', githubConnector],
  ['kubernetes', kubernetesConnector],
]);

/** Folders under connectors/ that are sources (ledger, schedule, people), not privilege connectors. */
export const SOURCE_FOLDERS = ['files', 'ical', 'pagerduty', 'opsgenie', 'grafana'] as const;

/** On-call APIs read live: config key → source. */
export const dutySources: ReadonlyMap<string, DutySource> = new Map<string, DutySource>([
  ['pagerduty', pagerdutySource as DutySource],
  ['opsgenie', opsgenieSource as DutySource],
  ['grafana', grafanaSource as DutySource],
]);
