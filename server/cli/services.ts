// `npm run services`: make sure PostgreSQL and MariaDB answer and the product's databases exist.
// .ci/run, `npm test` and `npm run demo` all go through here, so there is one way to prepare a machine.

import { loadEnv, redactUrl } from '../config/env';
import { prepareServices } from '../services/prepare-services';

const log = (line: string) => console.log(`[services] ${line}`);

try {
  const env = loadEnv();
  await prepareServices(env, log);
  log(
    `ready: control ${redactUrl(env.CONTROL_DB_URL)}, demo source ${redactUrl(env.DEMO_SOURCE_URL)}, MySQL ${redactUrl(env.MYSQL_URL)}`,
  );
} catch (error) {
  console.error(`[services] ${(error as Error).message}`);
  if ((error as Error).cause) console.error(`[services] cause: ${String((error as Error).cause)}`);
  process.exitCode = 1;
}
