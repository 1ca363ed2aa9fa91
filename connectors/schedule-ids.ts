// Config shared by the on-call API sections: an API root that carries no secret, and the
// `{ baseUrl, schedules: { name: id } }` section of APIs that name schedules only.
import { z } from 'zod';
import type { DutySource } from './duty.ts';

/** An API root URL; credentials or a query in it are refused (tokens come from the environment, never from a URL). */
export const apiBaseUrl = () =>
  z.url().refine(
    (value) => {
      const url = new URL(value);
      return !url.username && !url.password && !url.search;
    },
    { error: 'expected an API root without credentials or query (the token comes from its environment variable)' },
  );

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
