// What every rule exports beside its pure evaluate(): the metadata all outputs read.
import type { RuleId, Severity } from '../model/index.ts';

export interface RuleMeta {
  id: RuleId;
  title: string;
  /** Default severity; `rules.severity` in the config overrides it. */
  severity: Severity;
  /** What the rule fires on, one or two sentences. */
  description: string;
  /** What to do about a finding. */
  remediation: string;
}
