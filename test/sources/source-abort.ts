// A run's timeout or cancel must reach the source's server, not just stop the extract at its next batch: each
// source is given a read that blocks on the server (a function that sleeps for a minute on one row of a view, after
// enough rows that some Parquet parts are already written), the signal is aborted while the server is in that
// sleep, and the read must fail at once with SOURCE_ABORTED naming the reason, leave no statement running on the
// server, and publish no manifest. Were the signal ignored, the read would wait out the sleep (60 s) and the
// deadline below fails the test instead.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { extractTable } from '../../pipelines/cdc/extract-table';
import { getRawRunDir, readManifest } from '../../pipelines/cdc/raw-manifest';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { TableDefinition } from '../../pipelines/definition/load-definition';
import { isSourceError, type Source } from '../../pipelines/sources/source';

export interface AbortFixture {
  source: Source;
  /**
   * Creates slow_items (id, v): a view of 2,000 rows of ~300 bytes in id order whose row 1001 sleeps 60 s on the
   * server, so a read streams 1,000 rows (several parts) and then blocks.
   */
  setupSql: string[];
  exec(statements: string[]): Promise<void>;
  /** Ids of the server sessions (not the fixture's own) currently in that sleep. */
  sleepingReads(): Promise<string[]>;
  /** Ids of the server sessions (not the fixture's own) with any statement on slow_items still running. */
  runningReads(): Promise<string[]>;
  close(): Promise<void>;
}

/** Long enough for a loaded machine; a read that ignored the signal would take the sleep's 60 s. */
const DEADLINE_MS = 10_000;
const REASON = 'Timed out after 1 s';

const TABLE: TableDefinition = {
  name: 'slow_items',
  primaryKey: ['id'],
  mode: 'full',
  overlapMs: 0,
  deleteDetection: 'none',
  target: 'tables/abort/slow_items',
  partitionBy: [],
  freshnessMs: 7_200_000,
};

async function waitFor<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`waited ${DEADLINE_MS} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The promise's rejection, or a failure when it settles otherwise or not within the deadline. */
async function rejection(work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running ${DEADLINE_MS} ms after the abort: it did not reach the query`)),
      DEADLINE_MS,
    );
  });
  try {
    await Promise.race([work, deadline]);
  } catch (error) {
    if ((error as Error).message.startsWith('still running')) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('the aborted read finished instead of failing');
}

function assertAborted(error: unknown): void {
  assert.ok(isSourceError(error, 'SOURCE_ABORTED'), String(error));
  assert.match((error as Error).message, new RegExp(`stopped: ${REASON}`));
}

export function runAbortContract(name: string, open: () => Promise<AbortFixture | null>): void {
  let fixture: AbortFixture | null = null;
  let duckdb: DuckDbSession;
  let dir: string;

  before(async () => {
    fixture = await open();
    if (!fixture) return;
    await fixture.exec(fixture.setupSql);
    duckdb = await createDuckDbSession();
    dir = await mkdtemp(path.join(tmpdir(), 'source-abort-'));
  });
  after(async () => {
    if (!fixture) return;
    duckdb.close();
    await rm(dir, { recursive: true, force: true });
    await fixture.close();
  });

  const live = (t: { skip(message: string): void }): AbortFixture | null => {
    if (!fixture) t.skip(`${name}: skipped (no server configured)`);
    return fixture;
  };

  test(`${name}: an aborted extract stops its query on the server and publishes no manifest`, async (t) => {
    const f = live(t);
    if (!f) return;
    const storage = new LocalLakeStorage(dir);
    const controller = new AbortController();
    const session = await f.source.openSession({ signal: controller.signal });
    try {
      const extract = extractTable({ storage, duckdb, signal: controller.signal }, session, {
        pipeline: 'abort',
        source: 'abort',
        table: TABLE,
        runId: 'run-1',
        runSequence: 1,
        mode: 'full',
        watermarkFrom: null,
        compareKeys: false,
        rowsPerFile: 100,
        batchSize: 100,
      });
      extract.catch(() => undefined);
      // Parts are written and the server is in the sleep: the abort lands mid-extract, in a running query.
      const runDir = getRawRunDir('abort', 'slow_items', 'run-1');
      await waitFor('a Parquet part', async () => ((await storage.list(runDir)).length > 0 ? true : null));
      const [sleeping] = await waitFor('the read to sleep on the server', async () => {
        const ids = await f.sleepingReads();
        return ids.length > 0 ? ids : null;
      });
      const started = Date.now();
      controller.abort(new Error(REASON));
      assertAborted(await rejection(extract));
      // Right after the rejection, not eventually: the server is no longer running the read.
      assert.deepEqual(await f.runningReads(), [], `session ${sleeping} still reads slow_items`);
      assert.ok(Date.now() - started < DEADLINE_MS);
      assert.equal(await readManifest(storage, 'abort', 'slow_items', 'run-1'), null);
    } finally {
      await session.close();
    }
  });

  test(`${name}: an aborted row read (readRows) stops its query on the server`, async (t) => {
    const f = live(t);
    if (!f) return;
    const controller = new AbortController();
    const session = await f.source.openSession({ signal: controller.signal });
    try {
      const columns = await session.describeTable({ name: 'slow_items' });
      let rows = 0;
      const read = (async () => {
        for await (const batch of session.readRows({
          table: { name: 'slow_items' },
          columns,
          batchSize: 100,
        }))
          rows += batch.length;
      })();
      read.catch(() => undefined);
      await waitFor('the read to sleep on the server', async () =>
        (await f.sleepingReads()).length > 0 ? true : null,
      );
      controller.abort(new Error(REASON));
      assertAborted(await rejection(read));
      assert.deepEqual(await f.runningReads(), []);
      assert.ok(rows <= 1_000, `read ${rows} rows, past the sleeping row`);
    } finally {
      await session.close();
    }
  });

  test(`${name}: an already aborted signal fails before any query runs`, async (t) => {
    const f = live(t);
    if (!f) return;
    const aborted = AbortSignal.abort(new Error(REASON));
    assertAborted(await rejection(f.source.openSession({ signal: aborted })));
    // Aborted between opening and reading: nothing more reaches the server, and no manifest is written.
    const controller = new AbortController();
    const session = await f.source.openSession({ signal: controller.signal });
    try {
      const columns = await session.describeTable({ name: 'slow_items' });
      controller.abort(new Error(REASON));
      assertAborted(await rejection(session.describeTable({ name: 'slow_items' })));
      const read = (async () => {
        for await (const batch of session.readRows({ table: { name: 'slow_items' }, columns })) void batch;
      })();
      assertAborted(await rejection(read));
      const storage = new LocalLakeStorage(dir);
      const extract = extractTable({ storage, duckdb, signal: controller.signal }, session, {
        pipeline: 'abort',
        source: 'abort',
        table: TABLE,
        runId: 'run-2',
        runSequence: 2,
        mode: 'full',
        watermarkFrom: null,
        compareKeys: false,
      });
      assertAborted(await rejection(extract));
      assert.deepEqual(await f.runningReads(), []);
      assert.deepEqual(await storage.list(getRawRunDir('abort', 'slow_items', 'run-2')), []);
    } finally {
      await session.close();
    }
  });
}
