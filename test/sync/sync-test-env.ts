// The set-up every MariaDB-backed sync test file shares: a native DuckDB session, a throwaway MariaDB database
// and a temporary lake folder, opened in before() and removed in after().

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { createTestDatabase, type TestDatabase } from './mysql-test-db';

export interface SyncTestEnv {
  duckdb: DuckDbSession;
  db: TestDatabase;
  /** A temporary folder, the lake root of the file's Delta fixtures. */
  lakeDir: string;
  close(): Promise<void>;
}

/** `prefix` names the MariaDB database (prefix_pid_time) and the temp folder. */
export async function openSyncTestEnv(prefix: string): Promise<SyncTestEnv> {
  const duckdb = await createDuckDbSession();
  const db = await createTestDatabase(prefix);
  const lakeDir = await mkdtemp(path.join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  return {
    duckdb,
    db,
    lakeDir,
    async close() {
      duckdb.close();
      await db.drop();
      await rm(lakeDir, { recursive: true, force: true });
    },
  };
}
