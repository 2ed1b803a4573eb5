// Which Delta tables the lake holds and what they are called, owned in one place. A table lives under tables/:
// either tables/<name> (a definition's explicit target, the sync CLI's tables) or tables/<source>/<table> (a
// definition's table without a target). Its name is its path under tables/, so both kinds are listed, and a name
// always leads back to one root: the runner writes, the catalog lists and reads, and sync and lineage refer to
// the same roots.

import type { LakeStorage } from '../lake/storage';

/** Folder of the lake under which every Delta table lives. */
export const TABLES_DIR = 'tables';

const SEGMENT = '[A-Za-z_][A-Za-z0-9_-]{0,127}';
/** A folder name a table (or a source's folder of tables) may have: letters, digits, '_' and '-'. */
const FOLDER_NAME = new RegExp(`^${SEGMENT}$`);
/** A table's name: `<table>` or `<source>/<table>`, each part a plain folder name. */
export const TABLE_NAME = new RegExp(`^${SEGMENT}(/${SEGMENT})?$`);

const DELTA_LOG = '_delta_log';

/** Where a definition's table lands when it names no target. */
export function defaultTableRoot(source: string, table: string): string {
  return `${TABLES_DIR}/${source}/${table}`;
}

/** The lake root of a table name; undefined for a name that is not one (so it can never climb out of tables/). */
export function tableRootOf(name: string): string | undefined {
  return TABLE_NAME.test(name) ? `${TABLES_DIR}/${name}` : undefined;
}

/** The name of a table root under tables/, or undefined for a root the catalog cannot name. */
export function tableNameOf(root: string): string | undefined {
  const prefix = `${TABLES_DIR}/`;
  if (!root.startsWith(prefix)) return undefined;
  const name = root.slice(prefix.length);
  return TABLE_NAME.test(name) ? name : undefined;
}

export interface DeltaTableRef {
  /** Its path under tables/: what the catalog, the API and analysts' SQL call it. */
  name: string;
  /** Lake-relative root (the folder holding _delta_log). */
  root: string;
}

/**
 * Every Delta table under tables/, sorted by name: a folder with a _delta_log is a table (never searched
 * further: its subfolders are partitions); a folder without one is a source's folder, whose tables are looked
 * for one level down. Folders whose names no table could have are passed over.
 */
export async function listDeltaTables(storage: LakeStorage): Promise<DeltaTableRef[]> {
  const found: DeltaTableRef[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const folders = (await storage.list(dir)).filter((e) => e.isDirectory && FOLDER_NAME.test(e.name));
    await Promise.all(
      folders.map(async (folder) => {
        const root = `${dir}/${folder.name}`;
        if ((await storage.stat(`${root}/${DELTA_LOG}`))?.isDirectory) {
          found.push({ name: root.slice(TABLES_DIR.length + 1), root });
        } else if (depth === 0) {
          await visit(root, 1);
        }
      }),
    );
  };
  await visit(TABLES_DIR, 0);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
