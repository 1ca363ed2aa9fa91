// The `commonFate:` section of dutybound.yaml: exported grants and how their targets map to systems.
import { z } from 'zod';
import { SYSTEMS } from '../../src/model/index.ts';

export const commonFateSchema = z
  .strictObject({
    exports: z.array(z.string().min(1)).min(1).describe('Files with grants exported from the Common Fate API as JSON (a list, or `{ "grants": [...] }`).'),
    targetTypes: z
      .record(z.string(), z.enum(SYSTEMS))
      .default({ 'AWS::Account': 'aws' })
      .describe('Common Fate target entity type → system; the target id becomes the ledger target and the role name the privilege.'),
  })
  .describe('Common Fate: its grants become ledger rows.');

export type CommonFateConfig = z.output<typeof commonFateSchema>;
