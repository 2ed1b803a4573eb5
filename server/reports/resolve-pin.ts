// Which table versions a report reads (issue 15 §1): the tables its SQL cells name, each resolved under the
// report's pin to one concrete version. Time travel written in the SQL (`VERSION AS OF 3`, `TIMESTAMP AS OF
// '2026-11-01'`) is kept as written; only plain references follow the pin. Pure but for `versionOf`, which asks
// the lake (and is a stub in tests).

import { rewriteTimeTravel } from '../notebooks/sql-rewrite';
import type { Notebook } from '../notebooks/types';
import type { ReportPin, ResolvedRead } from './report-types';

/** One table reference of a report's SQL: plain, or with the time travel the SQL wrote. */
export interface TableReadRef {
  table: string;
  version?: number;
  timestamp?: string;
}

/** The version of `table` that is current, exact, or newest at or before a time; throws when there is none. */
export type VersionOf = (table: string, at: { version?: number; timestamp?: string }) => Promise<number>;

export const refKey = (ref: TableReadRef): string =>
  `${ref.table}\0${ref.version ?? ''}\0${ref.timestamp ?? ''}`;

/** The lake tables a notebook's SQL cells read, each distinct reference once, in the order first met. */
export function reportTableRefs(notebook: Notebook, catalogTables: readonly string[]): TableReadRef[] {
  const refs = new Map<string, TableReadRef>();
  // A choice parameter's options query reads lake tables too: its viewers must be able to run it.
  const sources = [
    ...notebook.cells.filter((cell) => cell.kind === 'sql').map((cell) => cell.source),
    ...notebook.parameters.flatMap((def) => (def.optionsQuery ? [def.optionsQuery] : [])),
  ];
  for (const source of sources) {
    for (const ref of rewriteTimeTravel(source, catalogTables).refs) {
      const read: TableReadRef = {
        table: ref.table,
        ...(ref.version !== undefined ? { version: ref.version } : {}),
        ...(ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {}),
      };
      if (!refs.has(refKey(read))) refs.set(refKey(read), read);
    }
  }
  return [...refs.values()];
}

/** The version one reference reads under the pin. */
export async function resolveRef(ref: TableReadRef, pin: ReportPin, versionOf: VersionOf): Promise<number> {
  if (ref.version !== undefined) return ref.version;
  if (ref.timestamp !== undefined) return versionOf(ref.table, { timestamp: ref.timestamp });
  if (pin.kind === 'versions') {
    const pinned = pin.versions[ref.table];
    if (pinned !== undefined) return pinned;
  }
  if (pin.kind === 'timestamp') return versionOf(ref.table, { timestamp: pin.timestamp });
  return versionOf(ref.table, {});
}

export async function resolveReads(
  refs: readonly TableReadRef[],
  pin: ReportPin,
  versionOf: VersionOf,
): Promise<ResolvedRead[]> {
  return Promise.all(
    refs.map(async (ref) => ({
      table: ref.table,
      ...(ref.version !== undefined ? { sqlVersion: ref.version } : {}),
      ...(ref.timestamp !== undefined ? { sqlTimestamp: ref.timestamp } : {}),
      version: await resolveRef(ref, pin, versionOf),
    })),
  );
}

export class PinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinError';
  }
}

/**
 * The pin as stored at publishing: a per-table pin names every table the report reads plainly (those the
 * publisher left out get their current version), names no other table, and every version exists; a time pin
 * must find a version of each such table at or before it. Throws PinError saying what is wrong.
 */
export async function fixPin(
  pin: ReportPin,
  refs: readonly TableReadRef[],
  versionOf: VersionOf,
): Promise<ReportPin> {
  const plain = [
    ...new Set(refs.filter((r) => r.version === undefined && r.timestamp === undefined).map((r) => r.table)),
  ];
  const check = async (table: string, at: { version?: number; timestamp?: string }, what: string) => {
    try {
      return await versionOf(table, at);
    } catch (error) {
      throw new PinError(`${table} has no ${what}: ${(error as Error).message}`);
    }
  };
  if (pin.kind === 'latest') return pin;
  if (pin.kind === 'timestamp') {
    for (const table of plain)
      await check(table, { timestamp: pin.timestamp }, `version at or before ${pin.timestamp}`);
    return pin;
  }
  const unknown = Object.keys(pin.versions).filter((table) => !plain.includes(table));
  if (unknown.length > 0) {
    throw new PinError(
      `The report does not read ${unknown.join(', ')} (it reads ${plain.join(', ') || 'no table'} without time travel)`,
    );
  }
  const versions: Record<string, number> = {};
  for (const table of plain) {
    const wanted = pin.versions[table];
    versions[table] =
      wanted === undefined
        ? await check(table, {}, 'current version')
        : await check(table, { version: wanted }, `version ${wanted}`);
  }
  return { kind: 'versions', versions };
}
