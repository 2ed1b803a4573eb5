// Turning a stream of exported rows into bounded statements: at most `batchRows` rows and about 4 MB of values
// each, well under max_allowed_packet (16 MB by default on MariaDB, 64 MB on MySQL 8).

const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Groups rows (objects keyed by export alias) into arrays of value arrays in alias order. */
export async function* groupRows(
  rows: AsyncIterable<Record<string, unknown>>,
  aliases: string[],
  batchRows: number,
): AsyncIterable<unknown[][]> {
  let batch: unknown[][] = [];
  let bytes = 0;
  for await (const row of rows) {
    const values = aliases.map((alias) => row[alias] ?? null);
    for (const value of values) bytes += typeof value === 'string' ? value.length + 4 : 8;
    batch.push(values);
    if (batch.length >= batchRows || bytes >= MAX_BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
