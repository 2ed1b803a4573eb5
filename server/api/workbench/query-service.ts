// The web process's one query pool and admission counter, built from the environment on first use, or when the
// web server starts (instrumentation.ts), so the first server query does not wait for its process to load.

import { loadEnv } from '../../config/env';
import { createQueryAdmission, type QueryAdmission } from './query-admission';
import { QueryPool } from './query-pool';

// Node, DuckDB's code and its buffers beyond memory_limit (result chunks, Arrow encoding) fit in this.
const RSS_HEADROOM_MB = 512;

// Kept on globalThis: Next bundles instrumentation.ts apart from the route handlers, and a module-level variable
// in each bundle would be a second pool with its own processes.
const SHARED = Symbol.for('lakehouse.workbench.query-service');
interface Shared {
  pool: QueryPool | null;
  admission: QueryAdmission | null;
}
const shared = ((globalThis as { [SHARED]?: Shared })[SHARED] ??= { pool: null, admission: null });

function createPool(): QueryPool {
  const env = loadEnv();
  return new QueryPool({
    // `next start` and `npm start` run from the project root; the child entry is found there, not in .next.
    root: process.cwd(),
    lakeRoot: env.LAKE_ROOT,
    limits: {
      threads: env.QUERY_THREADS,
      memoryLimit: `${env.QUERY_MEMORY_LIMIT_MB}MB`,
      maxTempDirectorySize: `${env.QUERY_MAX_SPILL_MB}MB`,
      maxResultBytes: env.QUERY_MAX_RESULT_BYTES,
    },
    timeoutMs: env.QUERY_TIMEOUT_MS,
    maxRssBytes: (env.QUERY_MEMORY_LIMIT_MB + RSS_HEADROOM_MB) * 1024 * 1024,
    // As many started children as may run at once, so a burst of queries does not wait for processes to load.
    spare: env.QUERY_MAX_TOTAL,
    maxIdle: env.QUERY_MAX_TOTAL,
  });
}

export function getQueryPool(): QueryPool {
  if (shared.pool) return shared.pool;
  shared.pool = createPool();
  shared.pool.warm();
  return shared.pool;
}

/**
 * Called once as the web server starts: starts the pool's processes one after another in the background (unless
 * QUERY_WARM_AT_START=false), without holding up the server. A query that comes first takes the one loading.
 */
export function warmQueryPoolAtStart(): void {
  if (shared.pool || !loadEnv().QUERY_WARM_AT_START) return;
  shared.pool = createPool();
  shared.pool.warmInTurn();
}

export function getQueryAdmission(): QueryAdmission {
  if (shared.admission) return shared.admission;
  const env = loadEnv();
  shared.admission = createQueryAdmission({ perUser: env.QUERY_MAX_PER_USER, total: env.QUERY_MAX_TOTAL });
  return shared.admission;
}
