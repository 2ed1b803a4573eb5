// What the demo source holds: whether it is seeded, with what, how many change runs, and the row counts.

import { connectDemoSource } from './connect';
import type { DemoTable } from './schema';
import { countDemoRows, inspectDemoSource } from './seed-demo-source';
import { logCleanupFailure } from '../support/cleanup';

export interface DemoStatus {
  seeded: boolean;
  /** Demo tables present (they exist without a completed seed only if someone else created them). */
  tables: string[];
  counts: Record<DemoTable, number> | null;
  meta: {
    seed: number;
    rowsRequested: number;
    seededAt: Date;
    changeRuns: number;
    lastChangeAt: Date | null;
  } | null;
}

export async function readDemoStatus(connectionString: string): Promise<DemoStatus> {
  const client = await connectDemoSource(connectionString);
  try {
    const state = await inspectDemoSource(client);
    if (!state.seeded) return { seeded: false, tables: state.existing, counts: null, meta: null };
    const row = (
      await client.query<{
        seed: string;
        rows_requested: string;
        seeded_at: Date;
        change_runs: number;
        last_change_at: Date | null;
      }>('SELECT seed, rows_requested, seeded_at, change_runs, last_change_at FROM demo_meta WHERE id = 1')
    ).rows[0];
    const meta = row
      ? {
          seed: Number(row.seed),
          rowsRequested: Number(row.rows_requested),
          seededAt: row.seeded_at,
          changeRuns: row.change_runs,
          lastChangeAt: row.last_change_at,
        }
      : null;
    return { seeded: true, tables: state.existing, counts: await countDemoRows(client), meta };
  } finally {
    await client.end().catch(logCleanupFailure('client.end()'));
  }
}
