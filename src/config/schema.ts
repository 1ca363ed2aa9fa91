// dutybound.yaml: one zod schema with a default for every threshold. Each privilege
// connector contributes its own section (its `configSchema`), keyed by its id.
import { z } from 'zod';
import { personPatternProblem } from '../../connectors/ical/pattern.ts';
import { connectors, dutySources, ledgerSources } from '../../connectors/index.ts';
import { networkSchema } from '../../connectors/network.ts';
import { RULE_IDS, SEVERITIES, SYSTEMS } from '../model/index.ts';
import { suppressionsSchema } from '../suppress/schema.ts';

const severity = z.enum(SEVERITIES);
const pathList = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

export const rulesSchema = z
  .object({
    graceMinutes: z.number().int().min(0).default(60).describe('Minutes after a grant ends (or a shift ends, or a revocation) before access still held is a finding.'),
    maxGrantHours: z.number().positive().default(12).describe('Longest a temporary grant may last before grant-hygiene flags it.'),
    maxCredentialAgeDays: z.number().positive().default(90).describe('Age (since last rotation, else creation) past which an active credential is stale.'),
    unusedDays: z.number().positive().default(45).describe('Days without use after which a credential or privileged principal is unused.'),
    severity: z.partialRecord(z.enum(RULE_IDS), severity).default({}).describe('Severity overrides per rule id.'),
    disabled: z.array(z.enum(RULE_IDS)).default([]).describe('Rule ids not to evaluate.'),
  })
  .strict()
  .prefault({});

const privilegeList = z
  .object({
    include: z.array(z.string()).default([]).describe('Privilege names or globs always counted as privileged.'),
    exclude: z.array(z.string()).default([]).describe('Privilege names or globs never counted as privileged (wins over include and the classifier).'),
  })
  .strict()
  .prefault({});

export const DEFAULT_PRIVILEGED: Record<(typeof SYSTEMS)[number], string[]> = {
  aws: ['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess'],
  github: ['org-owner', 'org-role/*', 'repo-admin', 'repo-maintain', 'enterprise-owner'],
  kubernetes: ['ClusterRole/cluster-admin', 'ClusterRole/admin'],
};

const privilegedSchema = z
  .object(Object.fromEntries(SYSTEMS.map((system) => [system, privilegeList])) as Record<(typeof SYSTEMS)[number], typeof privilegeList>)
  .strict()
  .prefault({})
  .describe('Per system: privilege lists added to (include) or taken from (exclude) what the connector classifies as privileged. Defaults: ' + JSON.stringify(DEFAULT_PRIVILEGED));

const icalSchema = z
  .object({
    personPattern: z
      .string()
      .superRefine((value, ctx) => {
        const why = personPatternProblem(value);
        if (why) ctx.addIssue({ code: 'custom', message: why });
      })
      .optional()
      .describe('Regular expression (RE2 syntax, linear time: no lookarounds or backreferences) applied to an event SUMMARY when it has no ATTENDEE mailto:, with a named group `email` (e.g. "On call: (?<email>\\\\S+@\\\\S+)").'),
    personDomain: z.string().optional().describe('Appended as @domain when the pattern captures a bare user name in a group `user`.'),
    cacheDir: z
      .string()
      .optional()
      .describe('Directory keeping each feed URL\'s last copy with its ETag and Last-Modified between runs (files named by the URL\'s sha256): an unchanged feed answers 304 and the copy is used.'),
  })
  .strict()
  .prefault({});

const enforceSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Whether `dutybound enforce --apply` may revoke anything (off by default).'),
    rules: z
      .array(z.enum(RULE_IDS))
      .default(['revoked-grant', 'expired-grant', 'off-call'])
      .describe('Rules whose findings enforce acts on; credential rules (stale-credential, unused-credential) only when named here.'),
    maxActions: z.number().int().min(0).default(10).describe('Most actions one apply may take; more blocks the whole apply (--max-actions may only lower it).'),
    maxActionsPercent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('When set: most actions one apply may take, as a percentage of the privileged entitlements read; more blocks the whole apply.'),
    protect: z.array(z.string()).default([]).describe('Principal ids or globs enforce never touches (reported as refused).'),
    stageHours: z
      .number()
      .min(0)
      .optional()
      .describe('When set: an action is applied only when the same finding was already planned at least this many hours earlier (warn tonight, revoke tomorrow).'),
    auditLog: z.string().default('dutybound-audit.jsonl').describe('Append-only JSONL audit log of every enforce action (relative to the config file).'),
  })
  .strict()
  .prefault({});

const connectorSections = Object.fromEntries([...connectors].map(([id, connector]) => [id, connector.configSchema.optional()]));
const ledgerSourceSections = Object.fromEntries([...ledgerSources].map(([id, source]) => [id, source.configSchema.optional()]));
// On-call APIs (pagerduty, …): each a section keyed by its id, like the privilege connectors.
const dutySections = Object.fromEntries([...dutySources].map(([id, source]) => [id, source.configSchema.optional()]));

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    ledger: pathList.default([]).describe('Grant ledger files (YAML, JSON, JSONL or CSV).'),
    schedule: pathList.default([]).describe('Schedule files (YAML, JSON, CSV) or ICS feeds (.ics files, http(s) URLs, or webcal(s) URLs read over https).'),
    people: z.string().optional().describe('People file: people and the principals that are theirs, and owners of machine identities.'),
    rules: rulesSchema,
    privileged: privilegedSchema,
    breakGlass: z.array(z.string()).default([]).describe('Principal ids or globs of break-glass identities.'),
    scanner: z
      .object({ principals: z.array(z.string()).default([]).describe("The scanner's own identities (never revoked).") })
      .strict()
      .prefault({}),
    ical: icalSchema,
    enforce: enforceSchema,
    network: networkSchema,
    suppressions: suppressionsSchema,
    ...connectorSections,
    ...ledgerSourceSections,
    ...dutySections,
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type RulesConfig = z.output<typeof rulesSchema>;

/** The JSON Schema editors use to complete dutybound.yaml (written to schema/dutybound.schema.json). */
export const configJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
