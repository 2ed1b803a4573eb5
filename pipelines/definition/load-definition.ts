// Loading a pipeline definition: read the file (YAML or JSON), validate it, and resolve the defaults into one
// fully-specified table list. A bad definition is refused here, naming the file, the path inside it and what
// is wrong, so nothing half-configured ever reaches a source or the lake.

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  definitionSchema,
  type CheckDefinition,
  type ConnectionSpec,
  type DeleteDetection,
  type ParsedDefinition,
} from './definition-schema';
import { PipelineError } from './errors';
import { getScheduleIntervalMs } from './schedule-interval';
import { defaultTableRoot } from './table-roots';

export interface TableDefinition {
  name: string;
  schema?: string;
  primaryKey: string[];
  mode: 'full' | 'incremental';
  watermark?: string;
  overlapMs: number;
  deleteDetection: DeleteDetection;
  /** Lake path of the Delta table. */
  target: string;
  partitionBy: string[];
  sync?: { table: string; key?: string[]; indexes: string[][] };
  /** Freshness limit (ms): data older than this is stale (table, else defaults, else twice the schedule). */
  freshnessMs: number;
  /** Data-quality checks on the incoming rows or the new snapshot (pipelines/quality). */
  checks?: CheckDefinition[];
  /** The Delta table has its change data feed on (delta.enableChangeDataFeed); absent means off. */
  changeDataFeed?: boolean;
}

export interface PipelineDefinition {
  name: string;
  description?: string;
  /** Where it was loaded from, for messages. */
  file: string;
  source: { name: string; connection: ConnectionSpec };
  /** timeZone absent: the scheduler's configured zone (SCHEDULE_TIMEZONE) applies. */
  schedule: {
    cron: string;
    timeZone?: string;
    /** Cron of the weekly reconcile (issue 14). */ reconcile?: string;
  };
  tables: TableDefinition[];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Paths of every key named like a password, wherever it is. */
function findPasswordKeys(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => findPasswordKeys(item, [...path, index]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    /^(password|passwd|pwd|secret)$/i.test(key) ? [[...path, key]] : findPasswordKeys(item, [...path, key]),
  );
}

function resolve(parsed: ParsedDefinition, file: string): PipelineDefinition {
  // The schema has checked that the cron parses. Twice its interval: one missed run is tolerated, two are not.
  const defaultFreshness =
    parsed.defaults.freshness ??
    2 * getScheduleIntervalMs(parsed.schedule.cron, parsed.schedule.timeZone ?? 'UTC');
  return {
    name: parsed.name,
    ...(parsed.description ? { description: parsed.description } : {}),
    file,
    source: parsed.source,
    schedule: parsed.schedule,
    tables: parsed.tables.map((table) => ({
      name: table.name,
      ...(table.schema ? { schema: table.schema } : {}),
      primaryKey: table.primaryKey,
      mode: table.mode ?? parsed.defaults.mode,
      ...(table.watermark ? { watermark: table.watermark } : {}),
      overlapMs: table.overlap ?? parsed.defaults.overlap,
      deleteDetection: table.deleteDetection ?? parsed.defaults.deleteDetection,
      target: table.target ?? defaultTableRoot(parsed.source.name, table.name),
      partitionBy: table.partitionBy,
      ...(table.sync ? { sync: table.sync } : {}),
      freshnessMs: table.freshness ?? defaultFreshness,
      checks: table.checks,
      ...((table.changeDataFeed ?? parsed.defaults.changeDataFeed) ? { changeDataFeed: true } : {}),
    })),
  };
}

/** Validates an already parsed document; `file` only names it in messages. */
export function parseDefinition(document: unknown, file: string): PipelineDefinition {
  const passwords = findPasswordKeys(document);
  if (passwords.length > 0) {
    const where = passwords.map((path) => formatPath(path)).join(', ');
    throw new PipelineError(
      'INVALID_DEFINITION',
      `${file}: ${where}: inline passwords are refused; put the secret in an environment variable and name it with passwordEnv (or urlEnv)`,
    );
  }
  const result = definitionSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new PipelineError('INVALID_DEFINITION', `${file}: ${problems.join('; ')}`);
  }
  return resolve(result.data, file);
}

/** Parses YAML or JSON text (JSON is YAML) into a definition. */
export function parseDefinitionText(text: string, file: string): PipelineDefinition {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    throw new PipelineError(
      'INVALID_DEFINITION',
      `${file}: not valid YAML/JSON: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseDefinition(document, file);
}

export async function loadDefinition(file: string): Promise<PipelineDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PipelineError('DEFINITION_NOT_FOUND', `Cannot read pipeline definition ${file}`, { cause });
  }
  return parseDefinitionText(text, file);
}

/** The table of that name, or UNKNOWN_TABLE listing the ones there are. */
export function findTable(definition: PipelineDefinition, name: string): TableDefinition {
  const table = definition.tables.find((candidate) => candidate.name === name);
  if (!table) {
    const known = definition.tables.map((candidate) => candidate.name).join(', ');
    throw new PipelineError(
      'UNKNOWN_TABLE',
      `Pipeline ${definition.name} has no table ${name} (it has ${known})`,
    );
  }
  return table;
}
