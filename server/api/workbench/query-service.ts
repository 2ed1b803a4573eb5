// The web process's one query pool and admission counter, built from the environment on first use.

import { loadEnv } from '../../config/env';
import { createQueryAdmission, type QueryAdmission } from './query-admission';
import { QueryPool } from './query-pool';

let pool: QueryPool | null = null;
let admission: QueryAdmission | null = null;

// Node, DuckDB's code and its buffers beyond memory_limit (result chunks, Arrow encoding) fit in this.
const RSS_HEADROOM_MB = 512;

export function getQueryPool(): QueryPool {
  if (pool) return pool;
  const env = loadEnv();
  pool = new QueryPool({
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
  pool.warm();
  return pool;
}

export function getQueryAdmission(): QueryAdmission {
  if (admission) return admission;
  const env = loadEnv();
  admission = createQueryAdmission({ perUser: env.QUERY_MAX_PER_USER, total: env.QUERY_MAX_TOTAL });
  return admission;
}
