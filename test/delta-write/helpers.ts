// Shared fixtures of the writer tests: a temp lake folder with LocalLakeStorage and a real DuckDB session, and a
// reader of a table's rows through OUR reader (loadSnapshot + readSnapshotRows), sorted for exact comparison.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { readSnapshotRows } from '../../pipelines/delta/scan';
import { loadSnapshot, type SnapshotOptions } from '../../pipelines/delta/snapshot';
import type { WriteEffects } from '../../pipelines/delta/write/effects';

export interface TestLake {
  dir: string;
  storage: LocalLakeStorage;
  duckdb: DuckDbSession;
  effects: WriteEffects;
  close(): Promise<void>;
}

export async function openTestLake(): Promise<TestLake> {
  const dir = await mkdtemp(path.join(tmpdir(), 'delta-write-test-'));
  const storage = new LocalLakeStorage(dir);
  const duckdb = await createDuckDbSession();
  return {
    dir,
    storage,
    duckdb,
    effects: { storage, duckdb },
    async close() {
      duckdb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Rows of the table at a version, as JSON values, sorted by their JSON text. */
export async function readRows(
  effects: WriteEffects,
  tableRoot: string,
  options: SnapshotOptions = {},
): Promise<Record<string, unknown>[]> {
  const snapshot = await loadSnapshot(effects, tableRoot, options);
  const rows = await readSnapshotRows(effects, snapshot);
  return rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

export function sortRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
