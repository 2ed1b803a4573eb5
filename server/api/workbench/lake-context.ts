// The lake as the web process sees it: one storage and one native DuckDB session, opened on first use and kept
// for the life of the process (the session only reads Parquet footers and runs server-path queries).

import { createDuckDbSession, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import type { LakeStorage } from '@/pipelines/lake/storage';
import { loadEnv } from '@/server/config/env';

export interface LakeContext {
  storage: LakeStorage;
  duckdb: DuckDbSession;
}

/** Folder of the lake under which every Delta table lives. */
export const TABLES_DIR = 'tables';

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

/** Table names are single folder names under tables/: letters, digits, '_' and '-'. */
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
