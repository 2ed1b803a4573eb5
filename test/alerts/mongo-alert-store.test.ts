// The AlertStore contract on MongoDB: runs only when MONGODB_URL points at a server (none can run on these
// machines); each test uses its own database, dropped afterwards.

import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoControlStore } from '../../server/store/mongo-control-store';
import { runAlertStoreContract } from './alert-store-contract';

const base = process.env.MONGODB_URL;

if (!base) {
  it(
    'MongoDB alert store contract',
    { skip: 'skipped: MONGODB_URL is not set (no MongoDB server here)' },
    () => {},
  );
} else {
  runAlertStoreContract('MongoDB', async () => {
    const url = new URL(base);
    url.pathname = `/test_alerts_${process.pid}_${randomBytes(4).toString('hex')}`;
    return {
      store: new MongoControlStore(url.toString()),
      async cleanup() {
        const client = new MongoClient(url.toString());
        try {
          await client.db().dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  });
}
