// The ControlStore contract on PostgreSQL: a temporary database per test.

import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase } from '../support/postgres';
import { runControlStoreContract } from './control-store-contract';

runControlStoreContract('PostgreSQL', async () => {
  const db = await createTempDatabase('store');
  return { store: new PostgresControlStore(db.url), cleanup: () => db.drop() };
});
