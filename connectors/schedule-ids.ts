// The config section shared by on-call APIs that name schedules only: `{ baseUrl, schedules: { name: id } }`.
import { z } from 'zod';
import type { DutySource } from './duty.ts';

export const scheduleSourceSchema = (options: { baseUrl: z.ZodType<string>; idPattern: RegExp; idExample: string; describe: string }) =>
  z
    .object({
      baseUrl: options.baseUrl,
      schedules: z
        .record(z.string().min(1), z.string().regex(options.idPattern, { error: `expected a schedule id such as ${options.idExample}` }))
        .refine((schedules) => Object.keys(schedules).length > 0, { error: 'name at least one schedule' })
        .describe(`The name grants use in onCall → schedule id (\`platform: ${options.idExample}\`).`),
    })
    .strict()
    .describe(options.describe);

/** A duty source whose names are its `schedules` keys. */
export const scheduleSource = <Schema extends ReturnType<typeof scheduleSourceSchema>>(
  source: Omit<DutySource<Schema>, 'names'>,
): DutySource<Schema> => ({ ...source, names: (config) => Object.keys((config as { schedules: Record<string, string> }).schedules) });
