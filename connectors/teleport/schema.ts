// The `teleport:` section of dutybound.yaml: exported access requests and what each role gives.
import { z } from 'zod';
import { SYSTEMS } from '../../src/model/index.ts';

const access = z.strictObject({
  system: z.enum(SYSTEMS),
  target: z.string().min(1).describe('AWS account id, GitHub org or Kubernetes cluster (a glob).'),
  privilege: z.string().min(1).describe('The privilege as dutybound names it (`ClusterRole/cluster-admin`, a permission set name; a glob).'),
  resource: z.string().min(1).default('*'),
});

export const teleportSchema = z
  .strictObject({
    exports: z.array(z.string().min(1)).min(1).describe('Files with the JSON `tctl requests ls --format=json` prints.'),
    roles: z
      .record(z.string(), z.array(access).min(1))
      .describe('Teleport role → the access it gives, as ledger rows: `{ prod-admin: [{ system: kubernetes, target: prod, privilege: ClusterRole/cluster-admin }] }`.'),
    emailDomain: z.string().min(1).optional().describe('Appended as @domain to Teleport user names that are not emails.'),
  })
  .describe('Teleport access requests: approved requests become ledger rows for the access their roles give.');

export type TeleportConfig = z.output<typeof teleportSchema>;
