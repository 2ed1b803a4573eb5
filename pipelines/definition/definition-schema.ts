// The shape of a pipeline definition (YAML or JSON), validated with zod. Credentials are only ever named by
// environment variable: an inline password (a `password` key, or one inside a URL) is refused, so definitions
// can live in git and be shown in the UI without leaking secrets.

import { z } from 'zod';
import { SOURCE_KIND_INFO, SOURCE_KINDS } from '../sources/kinds';
import { formatDuration, getScheduleIntervalMs } from './schedule-interval';

/** A pipeline's name: it names its definition file, schedules, raw folders and lineage jobs. */
export const PIPELINE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Identifiers that reach SQL: plain names only (Oracle also allows $ and #); quoting happens in each dialect. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$#]{0,127}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Lake-relative path: '/'-separated segments, no '.' or '..', no leading slash. */
const LAKE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.=\-/]+(?<!\/)$/;

const identifier = z.string().regex(IDENTIFIER, 'must be a plain identifier (letters, digits, _, $, #)');
const envName = z.string().regex(ENV_NAME, 'must be an environment variable NAME (A-Z, 0-9, _)');

const noInlinePassword = (url: string): boolean => {
  try {
    return new URL(url).password === '';
  } catch {
    return true;
  }
};

export const connectionSchema = z
  .object({
    kind: z.enum(SOURCE_KINDS),
    /** Name of the environment variable holding the whole connection URL (which may carry the password). */
    urlEnv: envName.optional(),
    /** A URL without password; credentials come from userEnv / passwordEnv. */
    url: z
      .string()
      .min(1)
      .refine(noInlinePassword, 'must not contain a password; name it with passwordEnv instead')
      .optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    database: z.string().min(1).optional(),
    /** Oracle service name. */
    service: z.string().min(1).optional(),
    userEnv: envName.optional(),
    passwordEnv: envName.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const ways = [value.urlEnv, value.url, value.host].filter((v) => v !== undefined).length;
    if (ways !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of urlEnv, url or host' });
    }
    if (SOURCE_KIND_INFO[value.kind].hostNeedsService && value.host && !value.service) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'an Oracle host needs a service name' });
    }
  });

const durationSchema = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'must be a duration like 90s, 10m, 2h or 1d')
  .transform((text) => {
    const amount = Number(text.slice(0, -1));
    const unit = text.slice(-1) as 's' | 'm' | 'h' | 'd';
    return amount * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  });

// Freshness (issue 14): how old a table's data may be before the sync status calls it stale. Its own block so the
// other issue-14 keys (checks, reconcile) stay apart; absent everywhere, twice the schedule's interval applies.
const freshnessSchema = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a positive duration like 30m, 2h or 1d')
  .transform((text) => {
    const amount = Number(text.slice(0, -1));
    const unit = text.slice(-1) as 's' | 'm' | 'h' | 'd';
    return amount * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  });

export const deleteDetectionSchema = z.union([
  z.literal('none'),
  z
    .object({
      keyComparison: z.object({ everyRuns: z.number().int().min(1) }).strict(),
    })
    .strict(),
]);

const syncSchema = z
  .object({
    table: identifier,
    key: z.array(identifier).min(1).optional(),
    indexes: z.array(z.array(identifier).min(1)).default([]),
  })
  .strict();

// Data-quality checks (issue 14): what a table's incoming rows or its new snapshot must satisfy before the Delta
// commit or the MySQL sync. `severity: error` stops that step; `warn` records and lets it through.
const checkSeverity = z.enum(['error', 'warn']).default('error');
const checkStage = z.enum(['incoming', 'snapshot']).default('incoming');
const checkValue = z.union([z.string(), z.number(), z.boolean()]);
const checkBound = z.union([z.number(), z.string().min(1)]);
export const CHECK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,63}$/;

export const checkSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('not_null'),
      columns: z.array(identifier).min(1),
      severity: checkSeverity,
      on: checkStage,
    })
    .strict(),
  z
    .object({
      kind: z.literal('unique'),
      /** The table's primary key when absent. */
      columns: z.array(identifier).min(1).optional(),
      severity: checkSeverity,
      on: checkStage,
    })
    .strict(),
  z
    .object({
      kind: z.literal('accepted_values'),
      column: identifier,
      values: z.array(checkValue).min(1),
      severity: checkSeverity,
      on: checkStage,
    })
    .strict(),
  z
    .object({
      kind: z.literal('range'),
      column: identifier,
      min: checkBound.optional(),
      max: checkBound.optional(),
      severity: checkSeverity,
      on: checkStage,
    })
    .strict(),
  z
    .object({
      kind: z.literal('row_count_change'),
      /** Largest change of the table's row count against its current version, in percent either way. */
      maxPercent: z.number().positive(),
      severity: checkSeverity,
    })
    .strict(),
  z
    .object({
      kind: z.literal('sql'),
      name: z.string().regex(CHECK_NAME, 'must be a short name (letters, digits, space, _ . -)'),
      /** One SELECT over `incoming` or `snapshot` returning the failing rows, or one boolean. */
      sql: z.string().min(1),
      severity: checkSeverity,
      on: checkStage,
    })
    .strict(),
]);

const tableSchema = z
  .object({
    name: identifier,
    /** Source schema (PostgreSQL schema, Oracle owner, MySQL database); the connection's default when absent. */
    schema: identifier.optional(),
    primaryKey: z.array(identifier).min(1),
    mode: z.enum(['full', 'incremental']).optional(),
    watermark: identifier.optional(),
    /** How far before the last watermark an incremental run starts reading again (late commits). */
    overlap: durationSchema.optional(),
    deleteDetection: deleteDetectionSchema.optional(),
    /** Lake path of the Delta table; tables/<source>/<name> when absent. */
    target: z.string().regex(LAKE_PATH, 'must be a lake-relative path like tables/parcels').optional(),
    partitionBy: z.array(identifier).default([]),
    sync: syncSchema.optional(),
    /** Data older than this is stale on the sync status (default: defaults.freshness, else twice the schedule). */
    freshness: freshnessSchema.optional(),
    checks: z.array(checkSchema).default([]),
    /** Turn on the Delta change data feed (delta.enableChangeDataFeed) of the table (default: defaults'). */
    changeDataFeed: z.boolean().optional(),
  })
  .strict();

const scheduleSchema = z
  .object({
    cron: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'must be a five-field cron expression like "0 * * * *"')
      .default('0 * * * *'),
    timeZone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone like America/Los_Angeles')
      // Absent: the scheduler's SCHEDULE_TIMEZONE applies.
      .optional(),
    // Issue 14 (reconcile): when `<pipeline>.reconcile` compares the tables with the source; weekly when absent.
    reconcile: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'must be a five-field cron expression like "30 4 * * 0"')
      .optional(),
  })
  .strict();

export const definitionSchema = z
  .object({
    name: z.string().regex(PIPELINE_NAME, 'must be lower-case letters, digits, - or _'),
    description: z.string().optional(),
    source: z.object({ name: identifier, connection: connectionSchema }).strict(),
    defaults: z
      .object({
        mode: z.enum(['full', 'incremental']).default('incremental'),
        overlap: durationSchema.prefault('10m'),
        deleteDetection: deleteDetectionSchema.prefault('none'),
        freshness: freshnessSchema.optional(),
        // Issue 16: tables the pipeline writes get a change data feed (merges write _change_data files).
        changeDataFeed: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    schedule: scheduleSchema.prefault({}),
    tables: z.array(tableSchema).min(1),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.tables.forEach((table, index) => {
      const mode = table.mode ?? value.defaults.mode;
      if (mode === 'incremental' && !table.watermark) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables', index, 'watermark'],
          message: 'an incremental table needs a watermark column',
        });
      }
      if (seen.has(table.name)) {
        ctx.addIssue({ code: 'custom', path: ['tables', index, 'name'], message: 'table listed twice' });
      }
      seen.add(table.name);
      table.checks.forEach((check, checkIndex) => {
        if (check.kind === 'range' && check.min === undefined && check.max === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['tables', index, 'checks', checkIndex],
            message: 'a range check needs min, max or both',
          });
        }
      });
    });
    checkFreshness(value, ctx);
  });

/**
 * The schedule must parse (its interval sets the default freshness), and no limit may be shorter than the
 * interval: such a table would be reported stale before every run, an alarm nobody can act on.
 */
function checkFreshness(
  value: {
    schedule: { cron: string; timeZone?: string | undefined };
    defaults: { freshness?: number | undefined };
    tables: { freshness?: number | undefined }[];
  },
  ctx: z.RefinementCtx,
): void {
  let interval: number;
  try {
    interval = getScheduleIntervalMs(value.schedule.cron, value.schedule.timeZone ?? 'UTC');
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['schedule', 'cron'], message: (error as Error).message });
    return;
  }
  const check = (limit: number | undefined, path: (string | number)[]) => {
    if (limit !== undefined && limit < interval) {
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          `${formatDuration(limit)} is shorter than the schedule's interval (${formatDuration(interval)}): ` +
          'the table would be stale before every run; give at least the interval, usually twice it',
      });
    }
  };
  check(value.defaults.freshness, ['defaults', 'freshness']);
  value.tables.forEach((table, index) => check(table.freshness, ['tables', index, 'freshness']));
}

export type RawDefinition = z.input<typeof definitionSchema>;
export type ParsedDefinition = z.output<typeof definitionSchema>;
export type ConnectionSpec = z.output<typeof connectionSchema>;
export type DeleteDetection = z.output<typeof deleteDetectionSchema>;
export type CheckDefinition = z.output<typeof checkSchema>;
