// A notebook's schedule as its owner (or an admin) sets it, kept in NOTEBOOKS_DIR/.meta/schedules/<id>.json beside
// the notebook's other metadata: cron and IANA time zone (validated as the admins' schedules are, with the parser
// Agenda uses), enabled, the parameter values each run gets, and where the results go (delivery settings). The
// worker reads it when a run starts, so a change applies from the next run; the Agenda job mirrors cron, zone
// and enabled (notebook-schedules.ts).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { deliverySettingsSchema } from '../delivery/delivery-settings';
import { NOTEBOOK_ID } from '../notebooks/notebook-store';
import { CronError, validateCron, validateTimezone } from '../scheduler/cron';

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');

export const parameterValueSchema = z.union([
  z.string().max(10_000),
  z.number().finite(),
  z.array(z.string().max(1_000)).max(1_000),
  z.object({ from: dateText, to: dateText }).strict(),
  z.null(),
]);

export const parameterValuesSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a parameter name is a SQL identifier'),
  parameterValueSchema,
);

/** What a PUT of /api/notebooks/<id>/schedule sends. Cron and zone are checked together and normalised. */
export const scheduleInputSchema = z
  .object({
    cron: z.string().trim().min(1).max(100),
    timezone: z.string().trim().min(1).max(64).default('UTC'),
    enabled: z.boolean().default(true),
    parameters: parameterValuesSchema.default({}),
    delivery: deliverySettingsSchema.default(() => deliverySettingsSchema.parse({})),
  })
  .strict()
  .transform((input, ctx) => {
    try {
      return { ...input, cron: validateCron(input.cron, validateTimezone(input.timezone)) };
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, path: ['cron'] });
      return z.NEVER;
    }
  });
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

const storedSchema = z.object({
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  parameters: parameterValuesSchema,
  delivery: deliverySettingsSchema,
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type NotebookSchedule = z.infer<typeof storedSchema>;

export interface ScheduleSettingsStore {
  read(notebookId: string): Promise<NotebookSchedule | null>;
  write(notebookId: string, schedule: NotebookSchedule): Promise<void>;
  remove(notebookId: string): Promise<void>;
}

export function createScheduleSettingsStore(notebooksDir: string): ScheduleSettingsStore {
  const dir = path.join(notebooksDir, '.meta', 'schedules');
  const fileOf = (id: string) => {
    if (!NOTEBOOK_ID.test(id)) throw new Error(`"${id}" is not a notebook id`);
    return path.join(dir, `${id}.json`);
  };
  return {
    async read(id) {
      const text = await readFile(fileOf(id), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (text === null) return null;
      try {
        return storedSchema.parse(JSON.parse(text));
      } catch (cause) {
        throw new Error(`The schedule of notebook '${id}' (${fileOf(id)}) is damaged`, { cause });
      }
    },
    async write(id, schedule) {
      const file = fileOf(id);
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
      await writeFile(temp, `${JSON.stringify(storedSchema.parse(schedule), null, 2)}\n`);
      await rename(temp, file);
    },
    remove: (id) => rm(fileOf(id), { force: true }),
  };
}
