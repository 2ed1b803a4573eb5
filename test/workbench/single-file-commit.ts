// Version 0 of a Delta table holding one Parquet file native DuckDB wrote, as a hand-written commit: how the
// workbench's large test and benchmark tables are made quickly (our writer would split and re-encode them).

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeSingleFileCommit(
  dir: string,
  table: {
    id: string;
    schema: unknown;
    file: string;
    size: number;
    stats: Record<string, unknown>;
    engineInfo: string;
  },
): Promise<void> {
  const now = Date.now();
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id: table.id,
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify(table.schema),
        partitionColumns: [],
        configuration: {},
        createdTime: now,
      },
    },
    {
      add: {
        path: table.file,
        partitionValues: {},
        size: table.size,
        modificationTime: now,
        dataChange: true,
        stats: JSON.stringify(table.stats),
      },
    },
    { commitInfo: { timestamp: now, operation: 'WRITE', engineInfo: table.engineInfo } },
  ];
  await writeFile(
    path.join(dir, '_delta_log', '00000000000000000000.json'),
    actions.map((action) => JSON.stringify(action)).join('\n') + '\n',
  );
}
