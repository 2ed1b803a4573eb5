// Variant read benchmark (`npm run bench -- variant`): N rows of a variant object (Delta's {value, metadata}
// struct, encoded by DuckDB's own variant_to_parquet_variant) read as JSON text through our decoder
// (delta_variant_json, a JS scalar function), against the baseline of the same rows stored as a native Parquet
// struct and turned into JSON by DuckDB's to_json, in the same run; DuckDB's own VARIANT → JSON for reference.
// Writes bench-results/variant.json and prints one summary line.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';

const ROWS = Number(process.env.VARIANT_BENCH_ROWS ?? 200_000);
const RUNS = 5;

async function medianMs(duckdb: DuckDbSession, sql: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    await duckdb.queryJson(sql);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(RUNS / 2)] as number) * 10) / 10;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'variant-bench-'));
  const duckdb = await createDuckDbSession();
  try {
    const rows = `SELECT struct_pack(id := i, name := 'item ' || i, price := (i % 1000) * 1.5,
        tags := ['a', 'b' || (i % 7)], nested := struct_pack(ok := i % 2 = 0, n := i * 3)) AS doc FROM range(${ROWS}) t(i)`;
    const native = path.join(dir, 'native.parquet');
    const variant = path.join(dir, 'variant.parquet');
    await duckdb.run(`COPY (${rows}) TO '${native}' (FORMAT parquet)`);
    await duckdb.run(
      `COPY (SELECT variant_to_parquet_variant(doc::VARIANT)::STRUCT(value BLOB, metadata BLOB) AS v FROM (${rows})) TO '${variant}' (FORMAT parquet)`,
    );
    // The decoder must agree with DuckDB's to_json on these rows before its time means anything.
    const [check] = await duckdb.queryJson(
      `SELECT count(*) FILTER (WHERE json(delta_variant_json(v.value, v.metadata)) <> json(to_json(n.doc))) AS differ
         FROM read_parquet('${variant}', file_row_number = true) AS x
         JOIN read_parquet('${native}', file_row_number = true) AS n USING (file_row_number)`,
    );
    if (Number(check?.differ) !== 0)
      throw new Error(`decoder and to_json differ on ${String(check?.differ)} rows`);
    const baselineMs = await medianMs(
      duckdb,
      `SELECT sum(length(to_json(doc))) FROM read_parquet('${native}')`,
    );
    const decoderMs = await medianMs(
      duckdb,
      `SELECT sum(length(delta_variant_json(v.value, v.metadata))) FROM read_parquet('${variant}')`,
    );
    const duckdbVariantMs = await medianMs(
      duckdb,
      `SELECT sum(length(variant_bytes_to_variant(v.metadata || v.value)::JSON)) FROM read_parquet('${variant}')`,
    );
    const result = {
      benchmark: 'variant',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, load: loadavg().map((x) => Math.round(x * 100) / 100) },
      rows: ROWS,
      nativeStructToJsonMs: baselineMs,
      variantDecoderMs: decoderMs,
      duckdbVariantToJsonMs: duckdbVariantMs,
      decoderVsBaseline: Math.round((decoderMs / baselineMs) * 100) / 100,
    };
    const out = path.resolve('bench-results', 'variant.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `[variant] ${ROWS} rows: decoder ${decoderMs} ms vs native struct to_json ${baselineMs} ms (${result.decoderVsBaseline}x); DuckDB's own VARIANT → JSON ${duckdbVariantMs} ms; load ${result.machine.load.join(' ')} → ${out}`,
    );
  } finally {
    duckdb.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
