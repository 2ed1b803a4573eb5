// The lake as the web process sees it: one storage and one native DuckDB session, opened on first use and kept
// for the life of the process (the session reads Parquet footers for the catalog; analysts' server-path queries
// run elsewhere, each in a fresh DuckDB of a query process: query-pool.ts).

import { createDuckDbSession, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import type { LakeStorage } from '@/pipelines/lake/storage';
import { loadEnv } from '../../config/env';

export interface LakeContext {
  storage: LakeStorage;
  duckdb: DuckDbSession;
}

let opened: { key: string; context: Promise<LakeContext> } | null = null;

/** The process-wide lake context for the current LAKE_ROOT. */
export function getLakeContext(): Promise<LakeContext> {
  const env = loadEnv();
  if (opened?.key === env.LAKE_ROOT) return opened.context;
  const storage = openLakeStorage(env.LAKE_ROOT);
  const context = createDuckDbSession({ threads: 2 }).then((duckdb) => ({ storage, duckdb }));
  // A failed start must not be cached, or every later request would see the same failure.
  context.catch(() => {
    if (opened?.context === context) opened = null;
  });
  opened = { key: env.LAKE_ROOT, context };
  return context;
}

/** Table names (`<table>` or `<source>/<table>` under tables/) are the data plane's: pipelines/definition/table-roots.ts. */
export { TABLE_NAME, TABLES_DIR } from '@/pipelines/definition/table-roots';
