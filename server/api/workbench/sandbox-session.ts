// Analysts' SQL runs on the server with native DuckDB, which could otherwise read or write any file the web
// process can (users file, session secret, the lake itself) and load extensions. Two independent locks make the
// server path read-only by construction:
//  1. the statement: only a pure query or a plain EXPLAIN of one runs (pure-query.ts, decided by DuckDB's parser);
//  2. the session: once the views are made, external access is switched off with an allow-list of exactly the
//     snapshots' data files (not folders), and the configuration is locked, so no statement can widen it again.
// Deletion vectors are decoded in TypeScript into the scan SQL, so no DV file needs to be readable at run time.

import type { DuckDBResult } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import type { DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { toSqlString } from '@/pipelines/engine/duckdb-session';
import { checkPureQuery, PURE_QUERY_HELP } from './pure-query';
import { WorkbenchError } from './workbench-error';

/**
 * Spill cap of one server query. Its spill folder is the session's own (createDuckDbSession gives each session a
 * fresh folder and removes it on close); with the configuration locked, no statement can point it elsewhere.
 */
export const MAX_QUERY_SPILL = '8GB';

export interface SandboxOptions {
  /** Local paths of every file the query's views read; nothing else will be readable. */
  files: string[];
  /** DuckDB size string; MAX_QUERY_SPILL by default. */
  maxSpill?: string;
  /**
   * Folders the session may also read and write (a scheduled notebook run's own output folder, where the runner
   * itself COPYs each result; the statement check still refuses COPY in analysts' SQL). None by default.
   */
  directories?: string[];
}

function toSqlList(values: string[]): string {
  return values.length > 0 ? `[${values.map(toSqlString).join(', ')}]` : '[]::VARCHAR[]';
}

export async function lockSession(session: DuckDbSession, options: SandboxOptions): Promise<void> {
  await session.run(`SET allowed_paths = ${toSqlList([...new Set(options.files)])}`);
  await session.run(`SET allowed_directories = ${toSqlList(options.directories ?? [])}`);
  await session.run(`SET max_temp_directory_size = ${toSqlString(options.maxSpill ?? MAX_QUERY_SPILL)}`);
  await session.run('SET autoinstall_known_extensions = false');
  await session.run('SET autoload_known_extensions = false');
  await session.run('SET enable_external_access = false');
  await session.run('SET lock_configuration = true');
}

/** DuckDB's refusal to open a file outside the allow-list, said in the workbench's terms. */
function toFileNotAllowed(cause: Error): WorkbenchError | null {
  const match = /^Permission Error: Cannot access (?:file|directory) "([^"]*)"/.exec(cause.message);
  if (!match) return null;
  return new WorkbenchError(
    'QUERY_FILE_NOT_ALLOWED',
    `The server path reads only the snapshots of the tables this cell names (and earlier cells' results); ` +
      `"${(match[1] as string).slice(0, 200)}" is not one of them`,
    { cause },
  );
}

/** Streams the one query in `sql` (checked by checkPureQuery); anything else is refused with a message saying why. */
export async function streamSelect(session: DuckDbSession, sql: string): Promise<DuckDBResult> {
  try {
    const text = await checkPureQuery(session, sql);
    // Belt and braces: the checked text must still be one SELECT or EXPLAIN statement to DuckDB's own planner.
    const extracted = await session.connection.extractStatements(text);
    if (extracted.count !== 1) {
      throw new WorkbenchError('QUERY_NOT_READ_ONLY', `${PURE_QUERY_HELP}; send exactly one statement`);
    }
    const statement = await extracted.prepare(0);
    if (
      statement.statementType !== StatementType.SELECT &&
      statement.statementType !== StatementType.EXPLAIN
    ) {
      throw new WorkbenchError('QUERY_NOT_READ_ONLY', PURE_QUERY_HELP);
    }
    return await statement.stream();
  } catch (cause) {
    if (cause instanceof WorkbenchError) throw cause;
    throw (
      toFileNotAllowed(cause as Error) ??
      new WorkbenchError('QUERY_FAILED', (cause as Error).message, { cause })
    );
  }
}
