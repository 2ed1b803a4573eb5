// One sync of a Delta table into MySQL: lock the table, bring it to the latest Delta version incrementally when
// it can, by a full resync into a shadow table when it must, and record the outcome in the state row.
//
// Exactly once: the state row names the version MySQL equals (`delta_version`) and the one a started sync is
// heading for (`pending_version`). Batches are idempotent, so a sync interrupted on the way to P is rerun from
// the same old version to P first (re-deriving the same changes), then on to the latest version.

import { isDeltaError, loadSnapshot, type Snapshot } from '../delta/index';
import { describeError, getErrorCode, isSyncError, SyncError } from './errors';
import type { MySqlClient } from './mysql/connection';
import { loadFullTable, tableExists } from './mysql/full-load';
import { assertColumnName, assertTableName } from './mysql/identifiers';
import { applyIncrementalSync, dropChangeTables, planIncrementalSync } from './mysql/incremental';
import {
  acquireSyncLock,
  ensureStateTable,
  markSyncStarted,
  readSyncState,
  recordSyncFailure,
  countRows,
  recordSyncSuccess,
  releaseSyncLock,
  type SyncStateRow,
} from './mysql/sync-state';
import type { MySqlColumn } from './mysql/type-mapping';
import type { SyncEffects, SyncResult, SyncTableOptions } from './types';
import { readDataAsOf, type DataAsOf } from './data-as-of';

function validateOptions(options: SyncTableOptions): void {
  assertTableName(options.mysqlTable);
  if (options.keyColumns.length === 0)
    throw new SyncError('KEY_REQUIRED', `Give the key column(s) of '${options.mysqlTable}'`);
  for (const name of [...options.keyColumns, ...(options.indexes ?? []).flat()]) assertColumnName(name);
  if (options.batchRows !== undefined && !(options.batchRows >= 1)) {
    throw new SyncError('INVALID_ARGUMENT', 'batchRows must be at least 1');
  }
}

async function loadTarget(effects: SyncEffects, tableRoot: string, version?: number): Promise<Snapshot> {
  try {
    return await loadSnapshot(effects, tableRoot, version === undefined ? {} : { version });
  } catch (cause) {
    throw new SyncError(
      'DELTA_READ_FAILED',
      `Cannot read Delta table '${tableRoot}'${version === undefined ? '' : ` at v${version}`}`,
      { cause },
    );
  }
}

/** Why the sync cannot be incremental, or null when it can try. */
function getFullSyncReason(
  options: SyncTableOptions,
  state: SyncStateRow | null,
  exists: boolean,
  tableId: string,
): string | null {
  if (options.full) return 'full resync requested';
  if (!state || state.deltaVersion === null || !state.columns) return 'first sync';
  if (!exists) return 'MySQL table is missing';
  if (JSON.stringify(state.keyColumns) !== JSON.stringify(options.keyColumns)) return 'key columns changed';
  if (state.deltaTableRoot !== options.tableRoot) return 'Delta table root changed';
  // Its versions are another table's: the same version number says nothing about the rows.
  if (state.deltaTableId !== null && state.deltaTableId !== tableId) return 'the Delta table was recreated';
  return null;
}

async function syncToSnapshot(
  effects: SyncEffects,
  client: MySqlClient,
  options: SyncTableOptions,
  state: SyncStateRow | null,
  target: Snapshot,
): Promise<SyncResult> {
  const now = effects.now ?? (() => new Date());
  const startedAt = now();
  const table = options.mysqlTable;
  const elapsed = () => now().getTime() - startedAt.getTime();
  await markSyncStarted(client, {
    table,
    deltaTableRoot: options.tableRoot,
    keyColumns: options.keyColumns,
    pendingVersion: target.version,
    now: startedAt,
  });
  const fromVersion = state?.deltaVersion ?? null;
  // Read before MySQL changes: the "as of" goes into the same transaction as the last batch.
  const asOf = await readDataAsOf(effects, options.tableRoot, target.version).catch(
    (error: unknown): DataAsOf | null => {
      // Freshness must not stop the data: the sync goes on, and the status shows the as-of as unknown.
      effects.log?.(
        `[sync] ${table}: could not read the data-as-of of v${target.version}: ${describeError(error)}`,
      );
      return null;
    },
  );
  // Every way a sync ends well is recorded alike: the state row now says MySQL equals the target version.
  const succeed = async (
    db: MySqlClient,
    columns: MySqlColumn[],
    {
      mode,
      rowsUpserted,
      rowsDeleted,
      durationMs,
    }: Pick<SyncResult, 'mode' | 'rowsUpserted' | 'rowsDeleted' | 'durationMs'>,
    /** The table's rows as this sync leaves them; counted here (in db's transaction) when not given. */
    knownRows?: number | null,
  ): Promise<SyncResult> => {
    const mysqlRows = knownRows !== undefined ? knownRows : await countRows(db, table);
    await recordSyncSuccess(db, {
      table,
      tableId: target.metadata.id,
      version: target.version,
      mode,
      columns,
      rowsUpserted,
      rowsDeleted,
      mysqlRows,
      durationMs,
      now: now(),
      dataAsOf: asOf?.dataAsOf ?? null,
      newestChange: asOf?.newestChange ?? null,
      ...(options.freshnessLimitSeconds !== undefined
        ? { freshnessLimitSeconds: options.freshnessLimitSeconds }
        : {}),
    });
    return { table, mode, fromVersion, version: target.version, rowsUpserted, rowsDeleted, durationMs };
  };
  let reason = getFullSyncReason(options, state, await tableExists(client, table), target.metadata.id);
  if (reason === null && state?.columns && fromVersion !== null) {
    if (fromVersion === target.version) {
      // Nothing changed: the recorded count stands (counted once if a state row from before issue 17 has none).
      return succeed(
        client,
        state.columns,
        { mode: 'noop', rowsUpserted: 0, rowsDeleted: 0, durationMs: elapsed() },
        state.mysqlRows === null ? undefined : null,
      );
    }
    let from: Snapshot | null = null;
    try {
      from = await loadSnapshot(effects, options.tableRoot, { version: fromVersion });
    } catch (error) {
      if (!isDeltaError(error)) throw error;
      reason = `v${fromVersion} is no longer reconstructable (${error.code})`;
    }
    if (from) {
      const plan = await planIncrementalSync(effects, options, state.columns, from, target);
      if (plan.kind === 'ready') {
        const result = await applyIncrementalSync(effects, client, options, plan, (tx) =>
          succeed(tx, plan.columns, {
            mode: 'incremental',
            rowsUpserted: plan.upserts,
            rowsDeleted: plan.deletes,
            durationMs: elapsed(),
          }),
        );
        effects.log?.(
          `[sync] ${table}: v${fromVersion}→v${target.version}, ${plan.upserts} upserted, ${plan.deletes} deleted (from ${plan.changeSource === 'feed' ? 'the change data feed' : 'the file diff'})`,
        );
        return { ...result, changeSource: plan.changeSource };
      }
      reason = plan.reason;
      await dropChangeTables(effects);
    }
  }
  effects.log?.(`[sync] ${table}: full resync to v${target.version} (${reason ?? 'unknown'})`);
  const loaded = await loadFullTable(effects, client, options, target);
  // The full load counted the table it swapped in.
  const result = await succeed(
    client,
    loaded.columns,
    { mode: 'full', rowsUpserted: loaded.rows, rowsDeleted: 0, durationMs: elapsed() },
    loaded.rows,
  );
  return { ...result, ...(reason ? { fallbackReason: reason } : {}), loadMethod: loaded.method };
}

async function recordFailure(
  effects: SyncEffects,
  client: MySqlClient,
  table: string,
  error: unknown,
  durationMs: number,
) {
  const failure = {
    table,
    errorCode: getErrorCode(error),
    error: describeError(error),
    durationMs,
    now: (effects.now ?? (() => new Date()))(),
  };
  try {
    await recordSyncFailure(client, failure);
    return;
  } catch {
    // The sync connection is gone (killed, server restarted): try a fresh one. When MySQL is unreachable the row
    // stays 'running' with a free lock, which status reports as failed.
  }
  try {
    const fresh = await effects.connect();
    try {
      await recordSyncFailure(fresh, failure);
    } finally {
      await fresh.close();
    }
  } catch {
    effects.log?.(`[sync] ${table}: could not record the failure in the state table`);
  }
}

/**
 * On abort, ends the sync's work where it runs: KILL the MySQL connection (from a second one; a statement does not
 * notice its client going away) and interrupt DuckDB. Returns the listener's remover.
 */
function stopOnAbort(effects: SyncEffects, client: MySqlClient, table: string): () => void {
  const signal = effects.signal;
  if (!signal) return () => {};
  const stop = () => {
    effects.duckdb.connection.interrupt();
    void (async () => {
      const killer = await effects.connect();
      try {
        await killer.execute(`KILL CONNECTION ${Number(client.threadId)}`);
      } finally {
        await killer.close();
      }
    })().catch((error: unknown) =>
      effects.log?.(`[sync] ${table}: could not stop the MySQL connection: ${describeError(error)}`),
    );
  };
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}

/** Syncs one Delta table into its MySQL table; throws a SyncError (or DeltaError) after recording the failure. */
export async function syncTable(effects: SyncEffects, options: SyncTableOptions): Promise<SyncResult> {
  validateOptions(options);
  effects.signal?.throwIfAborted();
  const startedMs = Date.now();
  const client = await effects.connect();
  const stopListening = stopOnAbort(effects, client, options.mysqlTable);
  let lock: string | null = null;
  try {
    effects.signal?.throwIfAborted();
    await ensureStateTable(client);
    lock = await acquireSyncLock(client, options.mysqlTable, options.lockTimeoutSeconds ?? 0);
    let state = await readSyncState(client, options.mysqlTable);
    const latest = await loadTarget(effects, options.tableRoot);
    const pending = state?.pendingVersion ?? null;
    if (!options.full && pending !== null && state?.deltaVersion !== null && pending !== latest.version) {
      // Finish the interrupted sync first, so rows it already changed converge to that version.
      const interrupted = await loadSnapshot(effects, options.tableRoot, { version: pending }).catch(
        () => null,
      );
      if (interrupted) {
        await syncToSnapshot(effects, client, options, state, interrupted);
        state = await readSyncState(client, options.mysqlTable);
      } else {
        // Without that version the partly applied changes cannot be replayed: only a resync is safe.
        return await syncToSnapshot(effects, client, { ...options, full: true }, state, latest);
      }
    }
    return await syncToSnapshot(effects, client, options, state, latest);
  } catch (caught) {
    // Killed on purpose: the reason is the abort's (a timeout, a cancel), not the lost connection it caused.
    const error: unknown = effects.signal?.aborted
      ? new SyncError('SYNC_ABORTED', `Sync stopped: ${describeError(effects.signal.reason)}`, {
          cause: effects.signal.reason,
        })
      : caught;
    if (!isSyncError(error, 'SYNC_LOCKED')) {
      await recordFailure(effects, client, options.mysqlTable, error, Date.now() - startedMs);
    }
    throw error;
  } finally {
    stopListening();
    if (lock) await releaseSyncLock(client, lock).catch(() => {});
    await client.close();
  }
}
