// The AlertStore contract on PostgreSQL: a temporary database per test.

import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase } from '../support/postgres';
import { runAlertStoreContract } from './alert-store-contract';

runAlertStoreContract('PostgreSQL', async () => {
  const db = await createTempDatabase('alerts_store');
  return { store: new PostgresControlStore(db.url), cleanup: () => db.drop() };
});
