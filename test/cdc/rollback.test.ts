// Rollback that converges (issue 14 §1), on the real services: a PostgreSQL table, an incremental pipeline with
// overlap 1s into a Delta table with deletion vectors, and the MySQL sync. Rows are updated, inserted and deleted
// an hour apart (far outside the overlap), the table is restored to version 1 with `npm run delta -- restore`,
// and the next run must bring Delta, then MySQL, back to exactly the source (count, sums, row by row). Then the
// rest of the class: optimize (no reload), a manual write (reload), a schema change (reload) and a Spark-style
// RESTORE commit without our record (re-extract from the restored watermark).

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { readHistory } from '../../pipelines/delta/history';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { append, commitTransaction, optimize, restore } from '../../pipelines/delta/write';
import { runDeltaCli } from '../../pipelines/cli/delta';
import { runPipelineCli } from '../../pipelines/cli/pipeline';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { PipelineDefinition } from '../../pipelines/definition/load-definition';
import { restoreWithPipelineState } from '../../pipelines/cdc/restore-table';
import { planPipeline, runPipeline, type RunPipelineEffects } from '../../pipelines/runner/run-pipeline';
import { syncPipelineTables } from '../../pipelines/runner/sync-pipeline';
import { verifyTable } from '../../pipelines/sync/index';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { createTestDatabase, mariaDbSkipReason, type TestDatabase } from '../sync/mysql-test-db';
import {
  buildDefinition,
  changeItems,
  definitionText,
  deltaFigures,
  deltaLines,
  MYSQL_TABLE,
  mysqlFigures,
  mysqlLines,
  seedItems,
  sourceFigures,
  sourceLines,
  TABLE_ROOT,
  withoutTime,
} from './rollback-fixture';

const skip = await mariaDbSkipReason();
let source: TempDatabase;
let mysqlDb: TestDatabase;
let dir: string;
let duckdb: DuckDbSession;
let effects: RunPipelineEffects;
let definition: PipelineDefinition;
let definitionFile: string;
let step = 0;
let runs = 0;

before(async () => {
  if (skip) return;
  source = await createTempDatabase('rollback_src');
  await seedItems(source.url, 3_000);
  mysqlDb = await createTestDatabase('rollback_sync');
  dir = await mkdtemp(path.join(tmpdir(), 'rollback-'));
  duckdb = await createDuckDbSession();
  effects = { storage: new LocalLakeStorage(dir), duckdb, env: { ROLLBACK_SOURCE_URL: source.url } };
  // Keys compared every run, as in the scenario (the last test turns delete detection off).
  definition = buildDefinition(1);
  definitionFile = path.join(dir, 'rollback.pipeline.yaml');
  await writeFile(definitionFile, definitionText(1));
});
after(async () => {
  if (skip) return;
  duckdb?.close();
  await rm(dir, { recursive: true, force: true });
  await source?.drop();
  await mysqlDb?.drop();
});

async function runAndSync() {
  runs += 1;
  const result = await runPipeline(effects, definition, { runId: `run-${runs}` });
  assert.equal(result.ok, true, JSON.stringify(result.tables.map((t) => t.error?.message)));
  const [synced] = await syncPipelineTables({ ...effects, connect: mysqlDb.connect }, definition);
  assert.equal(synced?.error, undefined, synced?.error?.message);
  return result.tables[0]!;
}

async function assertConverged(): Promise<void> {
  const lines = await sourceLines(source.url);
  assert.deepEqual(await deltaLines(effects), lines, 'Delta equals the source row by row');
  assert.deepEqual(await mysqlLines(mysqlDb.admin), withoutTime(lines), 'MySQL equals the source row by row');
  const figures = await sourceFigures(source.url);
  assert.deepEqual(await deltaFigures(effects), figures);
  assert.deepEqual(await mysqlFigures(mysqlDb.admin), figures);
  const verified = await verifyTable(
    { ...effects, connect: mysqlDb.connect },
    { tableRoot: TABLE_ROOT, mysqlTable: MYSQL_TABLE, keyColumns: ['id'] },
  );
  assert.deepEqual(verified.differences, []);
}

async function planOf() {
  const [planned] = await planPipeline(effects, definition);
  return planned!.plan;
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

test(
  'restore to version 1 after changes older than the overlap: the next run converges Delta and MySQL',
  { skip },
  async () => {
    assert.equal((await runAndSync()).apply?.version, 0);
    await changeItems(source.url, ++step);
    assert.equal((await runAndSync()).apply?.version, 1);
    await assertConverged();
    const atVersion1 = await sourceFigures(source.url);
    // Two more hours of changes, each run keeping Delta and MySQL equal to the source.
    await changeItems(source.url, ++step);
    await runAndSync();
    const counts = await changeItems(source.url, ++step);
    assert.ok(counts.updated > 0 && counts.inserted === 100 && counts.deleted > 0, JSON.stringify(counts));
    assert.equal((await runAndSync()).apply?.version, 3);
    await assertConverged();
    const snapshot = await loadSnapshot(effects, TABLE_ROOT);
    assert.ok(
      snapshot.files.some((file) => file.deletionVector),
      'the merges marked rows in deletion vectors',
    );

    // The rollback, as the county runs it.
    const out = capture();
    const err = capture();
    const code = await runDeltaCli(['restore', path.join(dir, TABLE_ROOT), '--version', '1'], {
      stdout: out.stream,
      stderr: err.stream,
    });
    assert.equal(code, 0, err.text());
    const printed = JSON.parse(out.text()) as Record<string, unknown>;
    assert.equal(printed.version, 4);
    assert.equal(printed.restoredVersion, 1);
    assert.deepEqual(printed.pipelines, [
      {
        appId: 'rollback/items',
        restoredVersion: 1,
        watermark: { column: 'updated_at', value: '2026-11-01T01:00:00.000000Z' },
        runSequence: 2,
        needsReload: false,
        reason: 're-extract from the watermark of version 1 and compare keys',
      },
    ]);
    assert.match(
      err.text(),
      /^next run of rollback\/items re-extracts rows with updated_at >= 2026-11-01T01:00:00.000000Z .* compares keys/,
    );
    const [restoreCommit] = await readHistory(effects, TABLE_ROOT, { limit: 1 });
    assert.equal(restoreCommit?.operation, 'RESTORE');
    assert.ok(restoreCommit?.commitInfo?.pipelineRestore, 'the state is recorded in the restore commit');
    assert.notDeepEqual(await deltaFigures(effects), await sourceFigures(source.url));
    assert.equal((await deltaFigures(effects)).rows, atVersion1.rows);

    // `npm run pipeline -- plan` says what the next run does and why.
    const plan = capture();
    assert.equal(
      await runPipelineCli(['plan', definitionFile, '--lake', dir], {
        stdout: plan.stream,
        stderr: plan.stream,
      }),
      0,
    );
    assert.equal(
      plan.text(),
      'items (tables/rollback_items, v4): run 5 incremental + key comparison: restored to version 1 by commit 4: ' +
        're-extract rows with updated_at >= 2026-11-01T00:59:59.000Z (its watermark 2026-11-01T01:00:00.000000Z ' +
        'minus 1 s overlap) and compare keys\n',
    );

    const recovered = await runAndSync();
    assert.equal(recovered.plan.runSequence, 5, 'the run sequence stays monotonic');
    assert.equal(recovered.apply?.action, 'incremental');
    assert.equal(recovered.apply?.runInfo.keysCompared, true);
    await assertConverged();
    // Converged: the run after that is an ordinary one again, and changes nothing.
    const next = await planOf();
    assert.match(next.reason, /^rows with updated_at >= 2026-11-01T02:59:59.000Z/);
    await runAndSync();
    await assertConverged();
  },
);

test('optimize then run: no reload, the incremental run picks up the new changes', { skip }, async () => {
  const optimized = await optimize(effects, TABLE_ROOT);
  const [latest] = await readHistory(effects, TABLE_ROOT, { limit: 1 });
  assert.equal(latest?.operation, 'OPTIMIZE', JSON.stringify(optimized.metrics));
  const plan = await planOf();
  assert.equal(plan.action, 'incremental');
  assert.match(plan.reason, /^rows with updated_at >= /);
  await changeItems(source.url, ++step);
  const run = await runAndSync();
  assert.equal(run.apply?.action, 'incremental');
  await assertConverged();
});

test('a manual write then run: the run reloads the table and says why', { skip }, async () => {
  await append(
    effects,
    TABLE_ROOT,
    `SELECT 999999999::BIGINT AS id, 1.00::DECIMAL(12,2) AS amount, 1::INTEGER AS qty, 'manual' AS note,
            TIMESTAMPTZ '2026-11-01 00:00:00+00' AS updated_at`,
  );
  assert.equal((await deltaFigures(effects)).rows, (await sourceFigures(source.url)).rows + 1);
  const plan = await planOf();
  assert.equal(plan.action, 'full');
  assert.match(plan.reason, /^commit \d+ \(WRITE by [^)]+\) changed data outside a run: reload$/);
  const run = await runAndSync();
  assert.equal(run.apply?.action, 'full');
  await assertConverged();
  assert.equal((await planOf()).action, 'incremental', 'after the reload, runs are incremental again');
});

test('a schema change then run: the run reloads the table', { skip }, async () => {
  const snapshot = await loadSnapshot(effects, TABLE_ROOT);
  const schema = JSON.parse(snapshot.metadata.schemaString) as { fields: unknown[] };
  schema.fields.push({ name: 'added_by_hand', type: 'string', nullable: true, metadata: {} });
  await commitTransaction(effects, {
    tableRoot: TABLE_ROOT,
    readVersion: snapshot.version,
    operation: 'ADD COLUMNS',
    operationParameters: {},
    actions: [{ metaData: { ...snapshot.metadata, schemaString: JSON.stringify(schema) } }],
    isBlindAppend: false,
    reads: { readPredicate: 'all', readFileKeys: new Set() },
    configuration: snapshot.metadata.configuration,
  });
  const plan = await planOf();
  assert.equal(plan.action, 'full');
  assert.match(plan.reason, /^commit \d+ \(ADD COLUMNS by [^)]+\) changed the schema outside a run: reload$/);
  await changeItems(source.url, ++step);
  assert.equal((await runAndSync()).apply?.action, 'full');
  await assertConverged();
});

test('a Spark-style RESTORE commit (no pipeline record) is followed to its version', { skip }, async () => {
  // No delete detection: rows deleted in the source stay in Delta until the restore forces a key comparison.
  definition = buildDefinition('none');
  const before = (await loadSnapshot(effects, TABLE_ROOT)).version;
  await changeItems(source.url, ++step);
  await runAndSync();
  await changeItems(source.url, ++step);
  await runAndSync();
  assert.ok(
    (await deltaFigures(effects)).rows > (await sourceFigures(source.url)).rows,
    'without delete detection, the deleted rows are still in Delta',
  );
  // The plain Delta restore writes what Spark does: operation RESTORE, operationParameters {version: "N"}.
  const restored = await restore(effects, TABLE_ROOT, { version: before + 1 });
  const [commit] = await readHistory(effects, TABLE_ROOT, { limit: 1 });
  assert.deepEqual(commit?.operationParameters, { version: String(before + 1) });
  assert.equal(commit?.commitInfo?.pipelineRestore, undefined);
  const plan = await planOf();
  assert.equal(plan.action, 'incremental');
  assert.equal(plan.compareKeys, true);
  assert.match(plan.reason, new RegExp(`^restored to version ${before + 1} by commit ${restored.version}: `));
  await runAndSync();
  await assertConverged();
});

test(
  'a run extracted before a restore and retried after it extracts again instead of applying the old read',
  { skip },
  async () => {
    await changeItems(source.url, ++step);
    const stop = new Error('worker stopped before apply');
    await assert.rejects(
      runPipeline(
        {
          ...effects,
          onProgress: (event) => {
            if (event.kind === 'applying') throw stop;
          },
        },
        definition,
        { runId: 'interrupted' },
      ),
      stop,
    );
    const current = (await loadSnapshot(effects, TABLE_ROOT)).version;
    const restored = await restoreWithPipelineState(effects, TABLE_ROOT, { version: current - 1 });
    assert.equal(restored.pipelines[0]?.record.needsReload, false);
    const log: string[] = [];
    const result = await runPipeline({ ...effects, log: (line) => log.push(line) }, definition, {
      runId: 'interrupted',
    });
    assert.equal(result.ok, true);
    assert.ok(
      log.some((line) => /no longer fits the plan \(restored to version/.test(line)),
      log.join('\n'),
    );
    assert.equal(result.tables[0]?.plan.compareKeys, true);
    const [synced] = await syncPipelineTables({ ...effects, connect: mysqlDb.connect }, definition);
    assert.equal(synced?.error, undefined);
    await assertConverged();
  },
);
