// Shared set-up of the runner tests that need every service: a seeded demo source and a control database in
// PostgreSQL, a throwaway MariaDB database and a temp lake. MariaDB down: the test is skipped with the reason,
// except under CI, where it fails (a missing service must never pass silently).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { createPipelineRunners } from '../../server/scheduler/pipeline-runners';
import { startWorker, type RunningWorker } from '../../server/scheduler/start-worker';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { createTestDatabase, isMySqlAvailable, type TestDatabase } from '../sync/mysql-test-db';

export interface RunnerServices {
  source: TempDatabase;
  control: TempDatabase;
  store: PostgresControlStore;
  mysql: TestDatabase;
  lake: string;
  storage: LocalLakeStorage;
  close(): Promise<void>;
}

/** The reason to skip, or null when MariaDB answers; throws under CI instead of skipping. */
export async function mysqlSkipReason(): Promise<string | null> {
  if (await isMySqlAvailable()) return null;
  const reason = 'MariaDB is not reachable at 127.0.0.1:3306';
  if (process.env.CI) throw new Error(`${reason}; CI must run these tests`);
  return reason;
}

export async function openRunnerServices(prefix: string, rows = 2_000): Promise<RunnerServices> {
  const source = await createTempDatabase(`${prefix}_src`);
  await seedDemoSource({ connectionString: source.url, rows, seed: 11 });
  const control = await createTempDatabase(`${prefix}_ctl`);
  const store = new PostgresControlStore(control.url);
  await store.init();
  const mysql = await createTestDatabase(`${prefix}_my`);
  const lake = await mkdtemp(path.join(tmpdir(), `${prefix}-lake-`));
  return {
    source,
    control,
    store,
    mysql,
    lake,
    storage: new LocalLakeStorage(lake),
    async close() {
      await store.close().catch(() => undefined);
      await mysql.drop().catch(() => undefined);
      await control.drop();
      await source.drop();
      await rm(lake, { recursive: true, force: true });
    },
  };
}

/**
 * A worker with the real runners over these services, polling fast, with a short Agenda lock (Agenda sleeps half
 * of it between liveness checks, which would keep the test process alive) and no retries.
 */
/** What a worker needs of the services: the URLs, the lake folder and a control store (also in a child). */
export interface WorkerServices {
  control: { url: string };
  source: { url: string };
  mysql: { url: string };
  lake: string;
  store: PostgresControlStore;
}

export function startRealWorker(
  services: WorkerServices,
  name: string,
  log: (line: string) => void,
): Promise<RunningWorker> {
  return startWorker({
    controlDbUrl: services.control.url,
    store: services.store,
    name,
    runners: createPipelineRunners({
      env: {
        LAKE_ROOT: services.lake,
        PIPELINES_DIR: './pipelines/demo',
        MYSQL_URL: services.mysql.url,
        DEMO_SOURCE_URL: services.source.url,
      },
      processEnv: {},
    }),
    pipelines: { dir: './pipelines/demo', timezone: 'UTC' },
    processEvery: 100,
    log,
    jobOptions: {
      lockTtlMs: 1000,
      // Long enough that a machine busy for a few seconds (CI beside other work) does not let Agenda hand the
      // same job out again while its run is still starting (the copy would be recorded as a cancelled run).
      agendaLockLifetimeMs: 6000,
      retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
    },
  });
}
