// Opening a connection to the demo source, with failures turned into an error a person can act on.

import pg from 'pg';
import { redactUrl } from '../sources/redact-url';
import { DemoSourceError } from './errors';

export async function connectDemoSource(connectionString: string): Promise<pg.Client> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  } catch (cause) {
    throw new DemoSourceError('INVALID_INPUT', `Invalid demo source URL ${redactUrl(connectionString)}`, {
      cause,
    });
  }
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message || cause.name : String(cause);
    const hint =
      (cause as { code?: string }).code === '3D000'
        ? ' (create the database first, e.g. `createdb -h 127.0.0.1 -U postgres <name>`)'
        : ' (is PostgreSQL running and the URL right? see DEMO_SOURCE_URL)';
    throw new DemoSourceError(
      'UNREACHABLE',
      `Cannot connect to the demo source at ${redactUrl(connectionString)}: ${detail}${hint}`,
      {
        cause,
      },
    );
  }
  return client;
}
