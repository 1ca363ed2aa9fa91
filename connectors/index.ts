// The registry of privilege connectors: id → connector. A test asserts every folder here is registered.
import type { System } from '../src/model/index.ts';
import { awsConnector } from './aws/index.ts';
import { githubConnector } from './github/index.ts';
import { kubernetesConnector } from './kubernetes/index.ts';
import { awsTeamSource } from './aws-team/index.ts';
import { commonFateSource } from './common-fate/index.ts';
import type { DutySource } from './duty.ts';
import { grafanaSource } from './grafana/index.ts';
import { opsgenieSource } from './opsgenie/index.ts';
import { pagerdutySource } from './pagerduty/index.ts';
import { teleportSource } from './teleport/index.ts';
import type { LedgerSource, PrivilegeConnector } from './types.ts';

export const connectors: ReadonlyMap<System, PrivilegeConnector> = new Map<System, PrivilegeConnector>([
  ['aws', awsConnector],
  ['github', githubConnector],
  ['kubernetes', kubernetesConnector],
]);

/** The registry of ledger sources beyond the ledger files (JIT tools): config key → source. */
export const ledgerSources: ReadonlyMap<string, LedgerSource> = new Map<string, LedgerSource>(
  [awsTeamSource, teleportSource, commonFateSource].map((source) => [source.id, source as unknown as LedgerSource]),
);

/** Folders under connectors/ that are sources (ledger, schedule, people), not privilege connectors. */
export const SOURCE_FOLDERS = ['files', 'ical', 'aws-team', 'teleport', 'common-fate', 'pagerduty', 'opsgenie', 'grafana'] as const;

/** On-call APIs read live: config key → source. */
export const dutySources: ReadonlyMap<string, DutySource> = new Map<string, DutySource>([
  ['pagerduty', pagerdutySource as DutySource],
  ['opsgenie', opsgenieSource as DutySource],
  ['grafana', grafanaSource as DutySource],
]);
