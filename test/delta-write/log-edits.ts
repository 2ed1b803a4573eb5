// Fixtures for the writer-guard tests: a table made by our writer whose log is then edited by hand (a commit
// with a new protocol and/or metaData written as plain JSON, as another engine would), and a listing of the files
// in a table folder outside _delta_log, to prove a refused write left nothing behind.

import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from '../../pipelines/delta/actions';
import { formatVersion } from '../../pipelines/delta/log-files';
import type { StructType } from '../../pipelines/delta/schema';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import type { TestLake } from './helpers';

export interface LogEdit {
  protocol?: Protocol;
  /** Replaces the configuration (merge the old one in yourself when needed). */
  configuration?: Record<string, string>;
  schema?: StructType;
}

/** Commits the edit by hand as the next version; returns that version. */
export async function editLog(lake: TestLake, root: string, edit: LogEdit): Promise<number> {
  const snapshot = await loadSnapshot(lake.effects, root);
  const version = snapshot.version + 1;
  const actions: unknown[] = [
    { commitInfo: { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', engineInfo: 'hand-edited' } },
  ];
  if (edit.protocol) actions.push({ protocol: edit.protocol });
  if (edit.configuration || edit.schema) {
    actions.push({
      metaData: {
        ...snapshot.metadata,
        ...(edit.configuration ? { configuration: edit.configuration } : {}),
        ...(edit.schema ? { schemaString: JSON.stringify(edit.schema) } : {}),
      },
    });
  }
  const file = path.join(lake.dir, root, '_delta_log', `${formatVersion(version)}.json`);
  await writeFile(file, actions.map((action) => JSON.stringify(action)).join('\n') + '\n', { flag: 'wx' });
  return version;
}

/** Every file of the table folder outside _delta_log (data and deletion vector files), sorted. */
export async function listTableFiles(lake: TestLake, root: string): Promise<string[]> {
  const entries = await readdir(path.join(lake.dir, root), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(path.join(lake.dir, root), path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith('_delta_log'))
    .sort();
}
