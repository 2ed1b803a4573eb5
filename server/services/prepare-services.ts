import type { Env } from '../config/env';
import { ensureMysqlDatabase, ensurePostgresDatabase, ensureServices, type Log } from './ensure-services';

/** Services answer and every database the product uses exists (control, demo source, MySQL mirror). */
export async function prepareServices(env: Env, log: Log): Promise<void> {
  await ensureServices({ postgresUrl: env.DEMO_SOURCE_URL, mysqlUrl: env.MYSQL_URL, log });
  if (env.CONTROL_DB_URL.startsWith('postgres')) await ensurePostgresDatabase(env.CONTROL_DB_URL, log);
  await ensurePostgresDatabase(env.DEMO_SOURCE_URL, log);
  await ensureMysqlDatabase(env.MYSQL_URL, log);
}
