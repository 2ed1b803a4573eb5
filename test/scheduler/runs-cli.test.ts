// `npm run runs`: a run queued from the shell goes through the worker (run record, logs, verdict as exit code),
// and list, show and cancel read the same records; bad arguments and refusals are clear, not stack traces.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRunsCli } from '../../server/cli/runs';
import { createSchedule } from '../../server/scheduler/schedules';
import { startWorker, type RunningWorker } from '../../server/scheduler/start-worker';
import { captureCli } from '../support/cli-output';
import { openControlTestDb, type ControlTestDb } from './control-test-db';

let control: ControlTestDb;
let worker: RunningWorker;

before(async () => {
  control = await openControlTestDb('runs_cli');
  worker = await startWorker({
    controlDbUrl: control.db.url,
    store: control.store,
    name: `runs-cli-worker:${process.pid}`,
    processEvery: 100,
    log: () => undefined,
    runners: {
      runPipeline: async (ctx) => {
        await ctx.progress({ stage: 'extract', rowsExtracted: 12 });
        await ctx.log('info', `extracting ${ctx.target}`);
        const { range, full, tables } = ctx.options;
        if (range) await ctx.log('info', `options: range ${range.table} ${range.from} ${range.to}`);
        else if (full) await ctx.log('info', `options: full reload of ${tables?.join(', ')}`);
        if (ctx.target === 'broken') throw new Error('source refused the login');
        await ctx.progress({ stage: 'done', rowsSynced: 12 });
        const check = { table: 'permits', check: 'not_null(status)', kind: 'not_null', column: 'status' };
        return {
          results: {
            quality: [
              {
                ...check,
                severity: 'warn',
                stage: 'incoming',
                passed: false,
                observed: 2,
                message: '2 rows with status null',
              },
            ],
          },
        };
      },
    },
    jobOptions: {
      lockTtlMs: 1000,
      agendaLockLifetimeMs: 2000,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    },
  });
  for (const name of ['permits', 'broken']) {
    await createSchedule(control.web, { name, jobType: 'pipeline.run', target: name, cron: '0 * * * *' });
  }
});
after(async () => {
  await worker?.stop(5_000);
  await control?.close();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return captureCli((io) => runRunsCli(argv, io, { CONTROL_DB_URL: control.db.url }));
}

describe('npm run runs', () => {
  it('now --follow queues a run through the worker and prints its stages, log and verdict', async () => {
    const { code, out } = await cli('now', 'permits', '--follow');
    assert.equal(code, 0, out);
    assert.match(out, /^queued a manual run of permits$/m);
    assert.match(out, /^stage: (extract|done)$/m);
    assert.match(out, / info {2}extracting permits$/m);
    assert.match(
      out,
      /permits {2}pipeline\.run {2}manual {2}succeeded in [\d.]+ s {2}\(12 rows extracted, 12 synced\)$/m,
    );
    const [run] = await control.store.listRuns({ pipeline: 'permits' });
    assert.equal(run?.status, 'succeeded');
    const [audited] = await control.store.listScheduleChanges({ schedule: 'permits' });
    assert.equal(audited?.action, 'run-now');
    assert.match(String(audited?.actor), /^shell:\S+$/);

    const listed = await cli('list', '--pipeline', 'permits');
    assert.equal(listed.code, 0);
    assert.ok(listed.out.startsWith(`${run?.id}  permits`), listed.out);
    const shown = await cli('show', run!.id);
    assert.match(shown.out, /extracting permits/);
    assert.match(
      shown.out,
      /^check permits not_null\(status\) \(incoming, warn\): warning, 2 rows with status null$/m,
    );
  });

  it('a failed run exits 1 with its error', async () => {
    const { code, out } = await cli('now', 'broken', '--follow');
    assert.equal(code, 1);
    assert.match(out, /broken {2}pipeline\.run {2}manual {2}failed in [\d.]+ s .*source refused the login$/m);
  });

  it('reload queues a full reload or a time-range re-extract; the runner gets its options', async () => {
    const full = await cli('reload', 'county-ops', '--table', 'parcels', '--follow');
    assert.equal(full.code, 0, full.out + full.err);
    assert.match(full.out, /^queued a full reload of parcels in county-ops$/m);
    assert.match(full.out, / info {2}options: full reload of parcels$/m);
    const range = await cli(
      'reload',
      ...['county-ops', '--table', 'parcels', '--from', '2026-11-24', '--to', '2026-11-24T12:00', '--follow'],
    );
    assert.equal(range.code, 0, range.out + range.err);
    assert.match(
      range.out,
      /^queued a re-extract of parcels in county-ops: watermark in \[2026-11-24T00:00:00.000Z, 2026-11-24T12:00:00.000Z\)$/m,
    );
    assert.match(range.out, /options: range parcels 2026-11-24T00:00:00.000Z 2026-11-24T12:00:00.000Z$/m);
    const bad = await cli(
      'reload',
      'county-ops',
      '--table',
      'parcels',
      '--from',
      '2026-11-25',
      '--to',
      '2026-11-24',
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /^runs: The range is empty: from \(2026-11-25\) must come before to \(2026-11-24\) \(INVALID_RANGE\)$/m,
    );
    assert.equal((await cli('reload', 'county-ops')).code, 2, 'reload needs --table');
  });

  it('refusals and bad arguments are one clear line', async () => {
    const unknown = await cli('now', 'nowhere');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^runs: .*nowhere/m);
    assert.equal((await cli('show', 'not-a-run')).code, 1);
    assert.equal((await cli('cancel', '6a1d1e0c-41a8-4a4e-8d43-7f0a4b1c2d3e')).code, 1);
    for (const argv of [[], ['explode'], ['show'], ['list', '--status', 'weird'], ['list', '--limit', '0']]) {
      const bad = await cli(...argv);
      assert.equal(bad.code, 2, argv.join(' '));
      assert.match(bad.err, /^usage: npm run runs/m);
    }
  });
});
