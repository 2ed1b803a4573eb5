// Picks the control store for CONTROL_DB_URL: postgres:// or mongodb://.

import type { ControlStore } from './control-store';
import { MongoControlStore } from './mongo-control-store';
import { PostgresControlStore } from './postgres-control-store';

export function openControlStore(url: string): ControlStore {
  if (/^postgres(ql)?:\/\//.test(url)) return new PostgresControlStore(url);
  if (/^mongodb(\+srv)?:\/\//.test(url)) return new MongoControlStore(url);
  throw new Error('CONTROL_DB_URL must be a postgres:// or mongodb:// URL');
}
