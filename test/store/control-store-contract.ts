// One contract for every ControlStore implementation (ARCHITECTURE.md §6): PostgreSQL runs it always,
// MongoDB when MONGODB_URL is set. Each test gets a fresh, initialised store.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  buildCompleteEvent,
  buildFailEvent,
  buildStartEvent,
  type RunDescription,
} from '../../pipelines/lineage';
import type { ControlStore } from '../../server/store/control-store';

export interface StoreFixture {
  store: ControlStore;
  cleanup(): Promise<void>;
}

const t0 = new Date('2026-11-24T08:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

export function runControlStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`ControlStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ControlStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      await store.init();
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    const newRun = (
      pipeline = 'permits',
      startedAt = t0,
      extra: Partial<Parameters<ControlStore['createRun']>[0]> = {},
    ) => store.createRun({ pipeline, jobType: 'pipeline.run', trigger: 'schedule', startedAt, ...extra });

    it('init is idempotent, also when called concurrently', async () => {
      await Promise.all([store.init(), store.init()]);
      await store.init();
    });

    it('creates, gets and lists runs newest first, by pipeline and status', async () => {
      const a = await newRun('permits', at(0), {
        scheduledFor: t0,
        worker: 'w1',
        lockKey: 'pipeline:permits',
      });
      const b = await newRun('permits', at(10), { trigger: 'manual' });
      await newRun('parcels', at(5));
      assert.equal(a.status, 'running');
      assert.equal(a.attempt, 1);
      assert.deepEqual(a.progress, {});
      const got = await store.getRun(a.id);
      assert.equal(got?.pipeline, 'permits');
      assert.equal(got?.scheduledFor?.toISOString(), t0.toISOString());
      assert.equal(got?.worker, 'w1');
      assert.equal(got?.lockKey, 'pipeline:permits');
      assert.deepEqual(
        (await store.listRuns({ pipeline: 'permits' })).map((r) => r.id),
        [b.id, a.id],
      );
      assert.equal((await store.listRuns()).length, 3);
      assert.equal((await store.listRuns({ limit: 1 })).length, 1);
      await store.finishRun(b.id, { status: 'succeeded', now: at(20) });
      assert.deepEqual((await store.listRuns({ status: 'running' })).map((r) => r.pipeline).sort(), [
        'parcels',
        'permits',
      ]);
      // A pipeline's maintenance runs share its name: the job type tells them apart.
      const maintenance = await newRun('permits', at(2), { jobType: 'delta.maintenance' });
      assert.deepEqual(
        (await store.listRuns({ pipeline: 'permits', jobType: 'delta.maintenance' })).map((r) => r.id),
        [maintenance.id],
      );
      assert.deepEqual(
        (await store.listRuns({ pipeline: 'permits', jobType: 'pipeline.run', limit: 1 })).map((r) => r.id),
        [b.id],
      );
      assert.equal(await store.getRun(randomUUID()), null);
      assert.equal(await store.getRun('not-a-uuid'), null);
    });

    it('merges progress while running and ignores it afterwards', async () => {
      const run = await newRun();
      await store.updateProgress(run.id, { stage: 'extract', rowsExtracted: 100 }, at(1));
      await store.updateProgress(run.id, { stage: 'apply', files: 2, deltaVersion: 7 }, at(2));
      let got = await store.getRun(run.id);
      assert.deepEqual(got?.progress, { stage: 'apply', rowsExtracted: 100, files: 2, deltaVersion: 7 });
      assert.equal(got?.heartbeatAt.toISOString(), at(2).toISOString());
      await store.finishRun(run.id, { status: 'succeeded', now: at(3) });
      await store.updateProgress(run.id, { rowsSynced: 5 }, at(4));
      got = await store.getRun(run.id);
      assert.equal(got?.progress.rowsSynced, undefined);
    });

    it('finishes once with status, error and stack; the first verdict stands', async () => {
      const run = await newRun();
      const done = await store.finishRun(run.id, {
        status: 'failed',
        error: { message: 'boom', stack: 'Error: boom\n    at x', code: 'E_TEST' },
        now: at(9),
      });
      assert.equal(done?.status, 'failed');
      assert.deepEqual(done?.error, { message: 'boom', stack: 'Error: boom\n    at x', code: 'E_TEST' });
      assert.equal(done?.finishedAt?.toISOString(), at(9).toISOString());
      assert.equal(await store.finishRun(run.id, { status: 'succeeded', now: at(10) }), null);
      assert.equal((await store.getRun(run.id))?.status, 'failed');
    });

    it('stores the results a run finishes with ({} until then), also for a failed run', async () => {
      const run = await newRun();
      assert.deepEqual(run.results, {});
      const quality = [
        {
          table: 'parcels',
          check: 'not_null(apn)',
          kind: 'not_null',
          severity: 'error' as const,
          stage: 'incoming' as const,
          passed: false,
          observed: 3,
          message: '3 rows with apn null',
          column: 'apn',
        },
      ];
      const done = await store.finishRun(run.id, {
        status: 'failed',
        error: { message: 'checks failed', code: 'QUALITY_CHECK_FAILED' },
        now: at(5),
        results: { quality },
      });
      assert.deepEqual(done?.results, { quality });
      assert.deepEqual((await store.getRun(run.id))?.results, { quality });
      const plain = await newRun();
      await store.finishRun(plain.id, { status: 'succeeded', now: at(6) });
      assert.deepEqual((await store.getRun(plain.id))?.results, {});
    });

    it('appends log lines and lists the last ones in order', async () => {
      const run = await newRun();
      for (let i = 0; i < 5; i++)
        await store.appendLog(run.id, { level: 'info', message: `line ${i}`, at: at(i) });
      await store.appendLog(run.id, { level: 'error', message: 'last', at: at(9) });
      const all = await store.listLogs(run.id);
      assert.deepEqual(
        all.map((l) => l.message),
        ['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'last'],
      );
      assert.equal(all[5]?.level, 'error');
      assert.deepEqual(
        (await store.listLogs(run.id, 2)).map((l) => l.message),
        ['line 4', 'last'],
      );
    });

    it('records a cancel request only for a running run', async () => {
      const run = await newRun();
      assert.equal(await store.requestCancel(run.id), true);
      assert.equal((await store.getRun(run.id))?.cancelRequested, true);
      await store.finishRun(run.id, { status: 'cancelled', now: at(1) });
      assert.equal(await store.requestCancel(run.id), false);
      assert.equal(await store.requestCancel(randomUUID()), false);
    });

    it('locks: one holder, renewal by the holder, takeover after expiry, release by the holder only', async () => {
      assert.equal(await store.acquireLock('pipeline:a', 'one', 1000, at(0)), true);
      assert.equal(await store.acquireLock('pipeline:a', 'two', 1000, at(0.5)), false);
      assert.equal(await store.lockHolder('pipeline:a', at(0.5)), 'one');
      assert.equal(
        await store.acquireLock('pipeline:a', 'one', 1000, at(0.5)),
        true,
        'the holder re-acquires',
      );
      assert.equal(await store.renewLock('pipeline:a', 'one', 1000, at(1)), true);
      assert.equal(await store.acquireLock('pipeline:a', 'two', 1000, at(1.5)), false, 'renewed: still held');
      assert.equal(await store.lockHolder('pipeline:a', at(2.5)), null, 'expired');
      assert.equal(
        await store.acquireLock('pipeline:a', 'two', 1000, at(2.5)),
        true,
        'taken over after expiry',
      );
      assert.equal(
        await store.renewLock('pipeline:a', 'one', 1000, at(2.6)),
        false,
        'the old holder lost it',
      );
      await store.releaseLock('pipeline:a', 'one');
      assert.equal(await store.lockHolder('pipeline:a', at(2.7)), 'two', 'only the holder releases');
      await store.releaseLock('pipeline:a', 'two');
      assert.equal(await store.acquireLock('pipeline:a', 'three', 1000, at(2.8)), true);
    });

    it('locks: exactly one of many concurrent acquirers wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.acquireLock('pipeline:race', `owner-${i}`, 60_000, at(0))),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('marks running runs abandoned once their lock is gone, and only those', async () => {
      const live = await newRun('live', at(0), { lockKey: 'pipeline:live' });
      const dead = await newRun('dead', at(0), { lockKey: 'pipeline:dead' });
      await store.acquireLock('pipeline:live', live.id, 60_000, at(0));
      await store.acquireLock('pipeline:dead', dead.id, 1_000, at(0));
      assert.deepEqual(await store.abandonOrphanedRuns(at(0.5)), []);
      const marked = await store.abandonOrphanedRuns(at(2));
      assert.deepEqual(
        marked.map((r) => r.id),
        [dead.id],
      );
      const got = await store.getRun(dead.id);
      assert.equal(got?.status, 'abandoned');
      assert.match(got?.error?.message ?? '', /Abandoned/);
      assert.equal((await store.getRun(live.id))?.status, 'running');
    });

    describe('lineage', () => {
      const oracle = { namespace: 'oracle://db.county.local:1521', name: 'OPS.PERMITS' };
      const raw = { namespace: 'file://localhost', name: '/lake/raw/ops/permits' };
      const delta = { namespace: 'file://localhost', name: '/lake/tables/permits' };
      const mysql = { namespace: 'mysql://127.0.0.1:3306', name: 'county_mirror.permits' };
      const job = (name: string) => ({ namespace: 'county-lakehouse', name });

      async function saveChain(): Promise<{ extractRun: string; applyRun: string; syncRun: string }> {
        const ids = { extractRun: randomUUID(), applyRun: randomUUID(), syncRun: randomUUID() };
        const runs: RunDescription[] = [
          {
            runId: ids.extractRun,
            job: job('permits.extract'),
            inputs: [oracle],
            outputs: [{ ...raw, version: 'run-1' }],
          },
          {
            runId: ids.applyRun,
            job: job('permits.apply'),
            inputs: [raw],
            outputs: [{ ...delta, version: 3 }],
          },
          {
            runId: ids.syncRun,
            job: job('permits.sync'),
            inputs: [{ ...delta, version: 3 }],
            outputs: [mysql],
          },
        ];
        for (const [i, run] of runs.entries()) {
          await store.saveLineageEvent(buildStartEvent(run, at(i * 10)));
          await store.saveLineageEvent(buildCompleteEvent(run, at(i * 10 + 5)));
        }
        return ids;
      }

      it('stores events and lists them by run and by job, oldest first', async () => {
        const ids = await saveChain();
        const byRun = await store.listLineageEvents({ runId: ids.applyRun });
        assert.deepEqual(
          byRun.map((e) => e.eventType),
          ['START', 'COMPLETE'],
        );
        assert.equal(byRun[1]?.outputs[0]?.facets?.version?.datasetVersion, '3');
        const byJob = await store.listLineageEvents({ job: job('permits.sync') });
        assert.equal(byJob.length, 2);
        assert.equal((await store.listLineageEvents()).length, 6);
        assert.equal((await store.listLineageEvents({ limit: 2 }))[1]?.eventType, 'COMPLETE');
      });

      it('answers upstream and downstream up to N hops with latest status and version', async () => {
        await saveChain();
        const up3 = await store.lineageGraph(mysql, { direction: 'upstream', depth: 3 });
        assert.equal(up3.root, `dataset:${mysql.namespace}:${mysql.name}`);
        const datasets = up3.nodes
          .filter((n) => n.kind === 'dataset')
          .map((n) => n.name)
          .sort();
        assert.deepEqual(datasets, [delta.name, raw.name, mysql.name, oracle.name].sort());
        assert.equal(up3.nodes.filter((n) => n.kind === 'job').length, 3);
        assert.equal(up3.edges.length, 6);
        const deltaNode = up3.nodes.find((n) => n.name === delta.name);
        assert.equal(deltaNode?.latestVersion, '3');
        assert.equal(deltaNode?.latestStatus, 'COMPLETE');

        const up1 = await store.lineageGraph(mysql, { direction: 'upstream', depth: 1 });
        assert.deepEqual(
          up1.nodes
            .filter((n) => n.kind === 'dataset')
            .map((n) => n.name)
            .sort(),
          [delta.name, mysql.name].sort(),
        );

        const down = await store.lineageGraph(oracle, { direction: 'downstream', depth: 2 });
        assert.deepEqual(
          down.nodes
            .filter((n) => n.kind === 'dataset')
            .map((n) => n.name)
            .sort(),
          [delta.name, oracle.name, raw.name].sort(),
        );
        const both = await store.lineageGraph(raw, { direction: 'both', depth: 1 });
        assert.equal(both.nodes.filter((n) => n.kind === 'dataset').length, 3);
        const unknown = await store.lineageGraph(
          { namespace: 'x://y', name: 'z' },
          { direction: 'both', depth: 2 },
        );
        assert.deepEqual(unknown.nodes, []);
        assert.deepEqual(unknown.edges, []);
      });

      it('lists every dataset the events named, once, with its latest version', async () => {
        await saveChain();
        const datasets = await store.listLineageDatasets();
        assert.deepEqual(
          datasets.map((d) => d.name).sort(),
          [delta.name, mysql.name, oracle.name, raw.name].sort(),
        );
        assert.ok(datasets.every((d) => d.kind === 'dataset'));
        assert.equal(datasets.find((d) => d.name === delta.name)?.latestVersion, '3');
        assert.equal(datasets.find((d) => d.name === oracle.name)?.latestVersion, null);
      });

      it('a run whose steps link its datasets adds no edges of its own, but its events update the nodes', async () => {
        await saveChain();
        const otherSource = { namespace: oracle.namespace, name: 'OPS.PARCELS' };
        const pipeline: RunDescription = {
          runId: randomUUID(),
          job: job('ops.pipeline.run'),
          inputs: [oracle, otherSource],
          outputs: [{ ...delta, version: 3 }, mysql],
          linkedBySteps: true,
        };
        await store.saveLineageEvent(buildCompleteEvent(pipeline, at(40)));
        const up = await store.lineageGraph(mysql, { direction: 'upstream', depth: 5 });
        assert.ok(
          !up.nodes.some((n) => n.name === otherSource.name),
          'no all-to-all edges from the run itself',
        );
        assert.ok(!up.nodes.some((n) => n.name === pipeline.job.name));
        assert.equal(up.nodes.find((n) => n.name === mysql.name)?.latestRunId, pipeline.runId);
        const [saved] = await store.listLineageEvents({ runId: pipeline.runId });
        assert.equal(saved?.run.facets?.lakehouse_steps?.datasetsLinkedBySteps, true);
      });

      it('keeps the newest state: a failed run shows FAIL, a late old event changes nothing, START keeps the version', async () => {
        await saveChain();
        const failing: RunDescription = {
          runId: randomUUID(),
          job: job('permits.apply'),
          inputs: [raw],
          outputs: [delta],
        };
        await store.saveLineageEvent(buildStartEvent(failing, at(100)));
        let node = (await store.lineageGraph(delta, { direction: 'upstream', depth: 1 })).nodes.find(
          (n) => n.name === delta.name,
        );
        assert.equal(node?.latestStatus, 'START');
        assert.equal(node?.latestVersion, '3', 'a START without a version keeps the last one');
        await store.saveLineageEvent(buildFailEvent(failing, at(110), { message: 'disk full' }));
        const old: RunDescription = {
          runId: randomUUID(),
          job: job('permits.apply'),
          inputs: [raw],
          outputs: [{ ...delta, version: 1 }],
        };
        await store.saveLineageEvent(buildCompleteEvent(old, at(50)));
        node = (await store.lineageGraph(delta, { direction: 'upstream', depth: 1 })).nodes.find(
          (n) => n.name === delta.name,
        );
        assert.equal(node?.latestStatus, 'FAIL');
        assert.equal(node?.latestRunId, failing.runId);
        assert.equal(node?.latestVersion, '3');
      });
    });

    describe('schedule audit', () => {
      it('records each change with who, when, and the fields before → after; lists newest first, by schedule', async () => {
        const fields = {
          jobType: 'pipeline.run',
          target: 'permits',
          cron: '0 * * * *',
          timezone: 'UTC',
          paused: false,
        };
        const created = await store.recordScheduleChange({
          at: at(0),
          actor: 'admin',
          schedule: 'permits',
          action: 'create',
          before: null,
          after: fields,
        });
        assert.equal(typeof created.id, 'string');
        await store.recordScheduleChange({
          at: at(10),
          actor: 'ops',
          schedule: 'permits',
          action: 'pause',
          before: fields,
          after: { ...fields, paused: true },
        });
        await store.recordScheduleChange({
          at: at(20),
          actor: 'admin',
          schedule: 'parcels',
          action: 'run-now',
          before: null,
          after: null,
        });
        const all = await store.listScheduleChanges();
        assert.deepEqual(
          all.map((c) => [c.schedule, c.action, c.actor]),
          [
            ['parcels', 'run-now', 'admin'],
            ['permits', 'pause', 'ops'],
            ['permits', 'create', 'admin'],
          ],
        );
        const permits = await store.listScheduleChanges({ schedule: 'permits', limit: 1 });
        assert.equal(permits.length, 1);
        assert.equal(permits[0]?.action, 'pause');
        assert.deepEqual(permits[0]?.before, fields);
        assert.deepEqual(permits[0]?.after, { ...fields, paused: true });
        assert.equal(permits[0]?.at.toISOString(), at(10).toISOString());
        assert.equal(all[2]?.before, null);
        assert.deepEqual(await store.listScheduleChanges({ schedule: 'nowhere' }), []);
      });
    });
  });
}
