// Vacuum: delete data files the table no longer references and that are older than the retention period — files
// removed by earlier commits once their tombstones expire, and orphans of writers that crashed before committing.
// Never touches `_delta_log` or any other `_`/`.`-prefixed directory or file (Spark's hidden-file rule), except the
// change data files under `_change_data`, deleted once older than the retention as Spark does. A retention
// below the table's `delta.deletedFileRetentionDuration` (default 168 h) is refused unless `force` is set, because
// readers of older versions and writers still committing could lose files.

import type { LakeStorage } from '../../lake/storage';
import type { DeletionVectorDescriptor } from '../actions';
import { resolveDeletionVectorLocation } from '../deletion-vectors';
import { DeltaError } from '../errors';
import { resolveLakeUri } from '../lake-uri';
import { canonicalizePath, decodePathUri, isAbsolutePath } from '../paths';
import { loadSnapshot } from '../snapshot';
import { CHANGE_DATA_DIR } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { getDeletedFileRetentionMs, HOUR_MS } from './table-properties';
import { assertWriterProtocol } from './write-protocol';

export interface VacuumOptions {
  /** Retention in hours; default the table's deletedFileRetentionDuration (168 h). */
  retentionHours?: number;
  /** Allow a retention shorter than the table's (the safety check's override). */
  force?: boolean;
  /** List what would be deleted without deleting. */
  dryRun?: boolean;
}

export interface VacuumResult {
  dryRun: boolean;
  /** Lake-relative paths deleted (or that would be, in a dry run). */
  files: string[];
  bytes: number;
}

function isHidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

async function listDataFiles(
  storage: LakeStorage,
  dir: string,
): Promise<{ path: string; relative: string; size: number; modifiedMs: number }[]> {
  const found: { path: string; relative: string; size: number; modifiedMs: number }[] = [];
  const walk = async (current: string, relative: string): Promise<void> => {
    for (const entry of await storage.list(current)) {
      // `_change_data` holds change data files, which no snapshot references: like Spark, they go once older than
      // the retention (reading the change feed of versions that old is then no longer possible).
      if (isHidden(entry.name) && !(relative === '' && entry.name === CHANGE_DATA_DIR)) continue;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(entry.path, rel);
      else found.push({ path: entry.path, relative: rel, size: entry.size, modifiedMs: entry.modifiedMs });
    }
  };
  await walk(dir, '');
  return found;
}

export async function vacuum(
  effects: WriteEffects,
  tableRoot: string,
  options: VacuumOptions = {},
): Promise<VacuumResult> {
  const snapshot = await loadSnapshot(effects, tableRoot);
  // PROTOCOL.md "VACUUM Protocol Check": vacuum deletes files, so it needs every writer feature the table lists.
  assertWriterProtocol(snapshot.protocol, snapshot.metadata);
  const tableRetention = getDeletedFileRetentionMs(snapshot.metadata.configuration ?? {});
  const retentionMs =
    options.retentionHours === undefined ? tableRetention : options.retentionHours * HOUR_MS;
  if (!Number.isFinite(retentionMs) || retentionMs < 0) {
    throw new DeltaError('INVALID_ARGUMENT', 'retentionHours must be a non-negative number');
  }
  if (retentionMs < tableRetention && !options.force) {
    throw new DeltaError(
      'UNSAFE_RETENTION',
      `Retention of ${retentionMs / HOUR_MS} h is shorter than the table's ${tableRetention / HOUR_MS} h: readers of older versions and running writers could lose files; pass force to override`,
    );
  }
  const now = getNow(effects);
  const cutoff = now - retentionMs;
  // Files still referenced: live ones, their deletion vectors, and tombstones younger than the retention.
  const keep = new Set<string>();
  const remember = (path: string): void => {
    const decoded = decodePathUri(path);
    if (!isAbsolutePath(decoded)) keep.add(canonicalizePath(path));
  };
  const rememberDeletionVector = (dv: DeletionVectorDescriptor | null | undefined): void => {
    if (!dv || dv.storageType === 'i') return;
    const location = resolveDeletionVectorLocation(dv);
    if (location.kind === 'relative') {
      keep.add(location.path);
      return;
    }
    // A 'p' (absolute URI) DV inside the table folder is referenced just as much; one outside the lake is not ours.
    let lakePath: string;
    try {
      lakePath = resolveLakeUri(effects.storage.rootUrl, location.uri);
    } catch {
      return;
    }
    if (tableRoot === '') keep.add(lakePath);
    else if (lakePath.startsWith(`${tableRoot}/`)) keep.add(lakePath.slice(tableRoot.length + 1));
  };
  for (const file of snapshot.files) {
    remember(file.path);
    rememberDeletionVector(file.deletionVector);
  }
  for (const tombstone of snapshot.tombstones) {
    if ((tombstone.deletionTimestamp ?? 0) <= cutoff) continue;
    remember(tombstone.path);
    rememberDeletionVector(tombstone.deletionVector);
  }
  const candidates = await listDataFiles(effects.storage, tableRoot);
  const expired = candidates.filter((file) => !keep.has(file.relative) && file.modifiedMs < cutoff);
  if (!options.dryRun) {
    for (const file of expired) await effects.storage.delete(file.path);
  }
  return {
    dryRun: options.dryRun === true,
    files: expired.map((file) => file.path),
    bytes: expired.reduce((total, file) => total + file.size, 0),
  };
}
