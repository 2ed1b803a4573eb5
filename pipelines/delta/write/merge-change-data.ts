// The change data of a merge on a table with the change data feed on: for every live target row whose key arrives,
// its old image (`update_preimage`, or `delete` when the source marks the key deleted); for every source row that
// is written, `update_postimage` when it replaced a target row, else `insert`. Rows a copy-on-write merge only
// carries over into new files are not changes and are left out, so readers of the commit (who read only the change
// files) see exactly the merge's effect. The same for both merge paths: the target rows are read through a scan of
// the candidate files, which applies their current deletion vectors.

import type { AddFile, Cdc } from '../actions';
import { planScan } from '../scan';
import { quoteIdentifier, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { changeTypeLiteral, writeChangeDataFiles } from './change-data';
import { CHANGE_TYPE_COLUMN } from './data-files';
import type { WriteEffects } from './effects';
import { buildConformingSelect } from './write-support';
import { logCleanupFailure } from '../../support/cleanup';

export interface MergeChangeInput {
  candidates: AddFile[];
  /** Temp table of the merge source (with the delete column when there is one), aliased `s` below. */
  staged: string;
  /** `t.k = s.k AND …` over the key columns. */
  keyJoin: string;
  /** SQL over `s` that is true for a source row marking its key deleted. */
  isDelete: string;
  /** The source rows written to the table, already conformed to `schema`. */
  sourceRows: string;
  /** The table schema after the merge (source columns may have been added). */
  schema: StructType;
}

/** Writes the merge's change data files and returns their cdc actions (none when no row changed). */
export async function writeMergeChanges(
  effects: WriteEffects,
  snapshot: Snapshot,
  input: MergeChangeInput,
): Promise<Cdc[]> {
  const before = `${input.staged}_cdf_before`;
  const columns = input.schema.fields.map((field) => quoteIdentifier(field.name)).join(', ');
  const changeType = quoteIdentifier(CHANGE_TYPE_COLUMN);
  const plan = await planScan(effects, { ...snapshot, files: input.candidates });
  try {
    const target = buildConformingSelect(plan.sql, snapshot.schema, input.schema);
    // Materialised once: the pre-images are written and also decide which source rows are updates.
    await effects.duckdb.run(
      `CREATE TEMP TABLE ${before} AS SELECT t.*, ${input.isDelete} AS __cdf_delete ` +
        `FROM (${target}) t JOIN ${input.staged} s ON ${input.keyJoin}`,
    );
    const sql =
      `SELECT ${columns}, CASE WHEN __cdf_delete THEN ${changeTypeLiteral('delete')} ` +
      `ELSE ${changeTypeLiteral('update_preimage')} END AS ${changeType} FROM ${before} ` +
      `UNION ALL SELECT ${input.schema.fields.map((field) => `s.${quoteIdentifier(field.name)}`).join(', ')}, ` +
      `CASE WHEN EXISTS (SELECT 1 FROM ${before} t WHERE ${input.keyJoin}) ` +
      `THEN ${changeTypeLiteral('update_postimage')} ELSE ${changeTypeLiteral('insert')} END ` +
      `FROM (${input.sourceRows}) s`;
    return await writeChangeDataFiles(effects, snapshot, { sql, schema: input.schema });
  } finally {
    await effects.duckdb
      .run(`DROP TABLE IF EXISTS ${before}`)
      .catch(logCleanupFailure('DROP of a staging table'));
    await plan.release();
  }
}
