// A separate OS process that appends rows to a table, for the multi-process concurrency test. Prints one JSON line
// with the versions it committed.

import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { append } from '../../pipelines/delta/write/write-table';

const [lakeDir, tableRoot, writer, countText] = process.argv.slice(2);
const duckdb = await createDuckDbSession({ threads: 1 });
const effects = { storage: new LocalLakeStorage(lakeDir as string), duckdb };
const versions: number[] = [];
try {
  for (let i = 0; i < Number(countText); i += 1) {
    const result = await append(effects, tableRoot as string, `SELECT '${writer}' AS writer, ${i} AS seq`, {
      maxAttempts: 50,
    });
    versions.push(result.version);
  }
  process.stdout.write(`${JSON.stringify({ writer, versions })}\n`);
} finally {
  duckdb.close();
}
