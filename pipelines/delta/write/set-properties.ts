// Setting table properties on an existing table (Spark's ALTER TABLE … SET TBLPROPERTIES): one commit with the
// metaData action carrying the new configuration, preceded by a protocol action when a property needs a higher
// protocol (e.g. delta.enableChangeDataFeed: writer 4, or the changeDataFeed feature on a writer-7 table). No data
// file is touched. A writer that read the table before this commit and commits after it fails with
// METADATA_CHANGED, so no later write misses a property it must honour (such as writing change data files).

import type { Action } from '../actions';
import { loadSnapshot } from '../snapshot';
import type { WriteEffects } from './effects';
import { commitTransaction, type CommitOptions } from './transaction';
import { assertWritable, isSameProtocol, requireProtocol } from './write-protocol';
import type { WriteResult } from './write-support';

/** Merges `properties` into the table's configuration; a no-op (alreadyApplied) when they are all set already. */
export async function setTableProperties(
  effects: WriteEffects,
  tableRoot: string,
  properties: Record<string, string>,
  options: CommitOptions = {},
): Promise<WriteResult> {
  const snapshot = await loadSnapshot(effects, tableRoot);
  const current = snapshot.metadata.configuration ?? {};
  const configuration = { ...current, ...properties };
  const protocol = requireProtocol(snapshot.protocol, snapshot.schema, configuration);
  const metadata = { ...snapshot.metadata, configuration };
  // The table as it will be must be writable by us (e.g. a CHECK constraint we cannot evaluate is refused).
  assertWritable(protocol, metadata, snapshot.schema);
  const changed = Object.entries(properties).some(([key, value]) => current[key] !== value);
  if (!changed && isSameProtocol(protocol, snapshot.protocol)) {
    return { version: snapshot.version, alreadyApplied: true, metrics: {} };
  }
  const actions: Action[] = [
    ...(isSameProtocol(protocol, snapshot.protocol) ? [] : [{ protocol }]),
    { metaData: metadata },
  ];
  const result = await commitTransaction(
    effects,
    {
      tableRoot,
      readVersion: snapshot.version,
      operation: 'SET TBLPROPERTIES',
      operationParameters: { properties: JSON.stringify(properties) },
      actions,
      isBlindAppend: false,
      // Only the metadata was read; a concurrent data commit does not make this one stale.
      reads: { readPredicate: 'none', readFileKeys: new Set() },
      configuration,
    },
    options,
  );
  return { ...result, metrics: {} };
}
