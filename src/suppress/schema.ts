// `suppressions:` in dutybound.yaml: a finding accepted for a while, by someone, for a reason.
import { z } from 'zod';
import { RULE_IDS } from '../model/index.ts';
import { isoTime } from '../model/schema.ts';

export const suppressionSchema = z
  .object({
    rule: z.enum(RULE_IDS).optional().describe('Rule id the suppression applies to (default: any rule).'),
    principal: z.string().min(1).optional().describe('Principal id or glob (`aws:arn:aws:iam::*:role/ci-*`); default any.'),
    target: z.string().min(1).optional().describe('AWS account id, GitHub org or cluster name, or a glob; default any.'),
    reason: z.string().min(1).describe('Why the finding is accepted.'),
    owner: z.string().min(1).describe('Who answers for it (an email).'),
    ticket: z.string().min(1).optional().describe('The ticket that records the decision.'),
    until: isoTime.describe('ISO 8601 time with an offset: past it the suppression stops suppressing, and is itself reported and fails the run.'),
  })
  .strict()
  .refine((s) => s.rule !== undefined || s.principal !== undefined || s.target !== undefined, {
    message: 'a suppression names at least one of rule, principal or target (it would otherwise hide every finding)',
  });

export const suppressionsSchema = z.array(suppressionSchema).default([]).describe('Findings accepted until a date: reported as suppressed, not failing the run.');

export type Suppression = z.output<typeof suppressionSchema>;
