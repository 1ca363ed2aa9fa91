// The failure modes every connector and the feed reader must survive, with the small network
// settings the fault tests run under: each fault ends its target within a few seconds.
import { DEFAULT_NETWORK, type NetworkSettings } from '../../connectors/network.ts';
import type { FaultMode } from '../../src/sim/faults.ts';

export interface FaultCase {
  name: string;
  mode: FaultMode;
  /** Affected requests answered normally first (mid-scan faults). */
  after: number;
  /** What the failed target's coverage error says. */
  error: RegExp;
}

/** `midScan`: how many requests of the target pass before a mid-scan fault. */
export const faultCases = (midScan: number): FaultCase[] => [
  { name: 'stall from the start', mode: 'stall', after: 0, error: /no complete answer within 500 ms|deadline exceeded/ },
  { name: `stall after ${midScan} requests`, mode: 'stall', after: midScan, error: /no complete answer within 500 ms|deadline exceeded/ },
  { name: 'connection reset', mode: 'reset', after: 0, error: /reset|socket|closed|ECONNRESET|fetch failed|unreachable/i },
  { name: 'slow drip of the body', mode: 'drip', after: 0, error: /no complete answer within 500 ms/ },
  { name: 'endless body', mode: 'endless', after: 0, error: /larger than the 1 MB cap \(network\.maxResponseMegabytes\)/ },
  { name: `500 after ${midScan} requests`, mode: 'error500', after: midScan, error: /500|retry budget|injected server fault/i },
];

export const FAULT_NETWORK: NetworkSettings = {
  ...DEFAULT_NETWORK,
  requestTimeoutSeconds: 0.5,
  connectTimeoutSeconds: 0.5,
  retries: 1,
  retryDelaySeconds: 0,
  retryBudget: 3,
  maxResponseMegabytes: 1,
};

/** Longest a faulty scan may run in these tests (generous for a loaded machine): a stalled scan ran for minutes before. */
export const FAULT_SCAN_BOUND_MS = 15_000;
