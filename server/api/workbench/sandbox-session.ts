// Analysts' SQL runs on the server with native DuckDB, which could otherwise read or write any file the web
// process can (users file, session secret) and load extensions. Before a cell's SQL runs, the session may only
// read the folders of the tables it names, its configuration is locked, and only one SELECT (or EXPLAIN) is
// accepted: no COPY, ATTACH, SET, INSTALL or DDL.

import { tmpdir } from 'node:os';
import { StatementType, type DuckDBResult } from '@duckdb/node-api';
import type { DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { toSqlString } from '@/pipelines/engine/duckdb-session';
import { getLocalRoot } from '@/pipelines/engine/local-files';
import type { LakeStorage } from '@/pipelines/lake/storage';
import { WorkbenchError } from './workbench-error';

/** Folders the session may read: each table's folder on a local lake; the temp folder for remote copies. */
export function allowedDirectories(storage: LakeStorage, tableRoots: string[]): string[] {
  const root = getLocalRoot(storage);
  if (root === null) return [`${tmpdir().replace(/\/+$/, '')}/`];
  return tableRoots.map((table) => `${root.replace(/\/+$/, '')}/${table}/`);
}

export async function lockSession(session: DuckDbSession, directories: string[]): Promise<void> {
  const list = directories.length > 0 ? `[${directories.map(toSqlString).join(', ')}]` : '[]::VARCHAR[]';
  await session.run(`SET allowed_directories = ${list}`);
  await session.run('SET enable_external_access = false');
  await session.run('SET autoinstall_known_extensions = false');
  await session.run('SET autoload_known_extensions = false');
  await session.run('SET lock_configuration = true');
}

/** Streams the one SELECT in `sql`; anything else is refused with a message saying why. */
export async function streamSelect(session: DuckDbSession, sql: string): Promise<DuckDBResult> {
  try {
    const extracted = await session.connection.extractStatements(sql);
    if (extracted.count !== 1) {
      throw new WorkbenchError(
        'QUERY_FAILED',
        `The server path runs exactly one statement; this cell has ${extracted.count}`,
      );
    }
    const statement = await extracted.prepare(0);
    if (
      statement.statementType !== StatementType.SELECT &&
      statement.statementType !== StatementType.EXPLAIN
    ) {
      throw new WorkbenchError(
        'QUERY_FAILED',
        'The server path only runs queries (SELECT, WITH … SELECT, EXPLAIN)',
      );
    }
    return await statement.stream();
  } catch (cause) {
    if (cause instanceof WorkbenchError) throw cause;
    throw new WorkbenchError('QUERY_FAILED', (cause as Error).message, { cause });
  }
}
