// Freshness limits in pipeline definitions (issue 14): `freshness: 2h` per table or in `defaults`, else twice the
// schedule's interval computed from its cron; bad values are refused naming the path and what is wrong. Also the
// pure judgement (fresh / stale / unknown) and the one line the front-end team reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPipelineError } from '../../pipelines/definition/errors';
import { parseDefinition, type PipelineDefinition } from '../../pipelines/definition/load-definition';
import { getScheduleIntervalMs } from '../../pipelines/definition/schedule-interval';
import { describeTrust, judgeFreshness } from '../../pipelines/sync/freshness';

const HOUR = 3_600_000;

function definition(overrides: {
  cron?: string;
  timeZone?: string;
  defaults?: Record<string, unknown>;
  parcels?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    name: 'freshness-demo',
    source: { name: 'county_ops', connection: { kind: 'postgres', urlEnv: 'DEMO_SOURCE_URL' } },
    ...(overrides.defaults ? { defaults: overrides.defaults } : {}),
    ...(overrides.cron || overrides.timeZone
      ? {
          schedule: {
            ...(overrides.cron ? { cron: overrides.cron } : {}),
            ...(overrides.timeZone ? { timeZone: overrides.timeZone } : {}),
          },
        }
      : {}),
    tables: [
      { name: 'parcels', primaryKey: ['parcel_id'], watermark: 'updated_at', ...overrides.parcels },
      { name: 'permits', primaryKey: ['permit_id'], watermark: 'updated_at' },
    ],
  };
}

const parse = (document: Record<string, unknown>): PipelineDefinition =>
  parseDefinition(document, 'freshness.pipeline.yaml');

function limits(parsed: PipelineDefinition): Record<string, number> {
  return Object.fromEntries(parsed.tables.map((table) => [table.name, table.freshnessMs]));
}

function refused(document: Record<string, unknown>, message: RegExp): void {
  assert.throws(
    () => parse(document),
    (error: unknown) => {
      assert.ok(isPipelineError(error, 'INVALID_DEFINITION'), String(error));
      assert.match((error as Error).message, message);
      return true;
    },
  );
}

test('freshness defaults to twice the schedule interval: hourly (the default cron) 2h, every 15 minutes 30m', () => {
  assert.deepEqual(limits(parse(definition({}))), { parcels: 2 * HOUR, permits: 2 * HOUR });
  assert.deepEqual(limits(parse(definition({ cron: '0 * * * *' }))), {
    parcels: 2 * HOUR,
    permits: 2 * HOUR,
  });
  assert.deepEqual(limits(parse(definition({ cron: '*/15 * * * *' }))), {
    parcels: 30 * 60_000,
    permits: 30 * 60_000,
  });
});

test('the interval is the longest gap of the schedule: weekdays at 9 wait over the weekend', () => {
  assert.equal(getScheduleIntervalMs('0 9 * * 1-5'), 72 * HOUR);
  assert.equal(getScheduleIntervalMs('30 2 * * *'), 24 * HOUR);
  // A daily run in a zone with daylight saving has one 25-hour gap a year; the limit allows for it.
  assert.equal(getScheduleIntervalMs('30 2 * * *', 'America/Los_Angeles'), 25 * HOUR);
});

test('a table-level freshness wins over defaults, which win over the schedule', () => {
  const parsed = parse(definition({ defaults: { freshness: '3h' }, parcels: { freshness: '90m' } }));
  assert.deepEqual(limits(parsed), { parcels: 90 * 60_000, permits: 3 * HOUR });
  assert.deepEqual(limits(parse(definition({ parcels: { freshness: '1d' } }))), {
    parcels: 24 * HOUR,
    permits: 2 * HOUR,
  });
});

test('bad freshness values are refused with the path and what to write instead', () => {
  for (const bad of ['2 hours', '0h', '-1h', '1.5h', '', 'h', '2w']) {
    refused(
      definition({ parcels: { freshness: bad } }),
      /tables\[0\]\.freshness: must be a positive duration like 30m, 2h or 1d/,
    );
  }
  refused(definition({ parcels: { freshness: 7200 } }), /tables\[0\]\.freshness:/);
  refused(definition({ defaults: { freshness: '0m' } }), /defaults\.freshness: must be a positive duration/);
});

test('a limit shorter than the schedule interval is refused: the table would be stale before every run', () => {
  refused(
    definition({ parcels: { freshness: '30m' } }),
    /tables\[0\]\.freshness: 30m is shorter than the schedule's interval \(1h\)/,
  );
  refused(
    definition({ cron: '0 9 * * 1-5', defaults: { freshness: '1d' } }),
    /defaults\.freshness: 1d is shorter than the schedule's interval \(3d\)/,
  );
  // Equal to the interval is allowed (strict, but a person may want exactly that).
  assert.equal(limits(parse(definition({ parcels: { freshness: '1h' } }))).parcels, HOUR);
});

test('a cron the scheduler could not run is refused at schedule.cron, not later', () => {
  refused(
    definition({ cron: '61 * * * *' }),
    /schedule\.cron: "61 \* \* \* \*" is not a valid cron expression/,
  );
});

test('the demo definition is hourly, so its tables may be 2h old', async () => {
  const { loadDefinition } = await import('../../pipelines/definition/load-definition');
  const demo = await loadDefinition('pipelines/demo/county-ops.pipeline.yaml');
  assert.deepEqual(
    demo.tables.map((table) => table.freshnessMs),
    demo.tables.map(() => 2 * HOUR),
  );
});

test('fresh within the limit, stale past it, unknown without an as-of or a limit; age never negative', () => {
  const now = new Date('2026-12-04T10:42:00Z');
  assert.deepEqual(judgeFreshness('2026-12-04T10:00:00.000Z', 7200, now), {
    ageSeconds: 2520,
    freshness: 'fresh',
  });
  assert.deepEqual(judgeFreshness('2026-12-04T08:42:00.000Z', 7200, now), {
    ageSeconds: 7200,
    freshness: 'fresh',
  });
  assert.deepEqual(judgeFreshness('2026-12-04T08:41:59.000Z', 7200, now), {
    ageSeconds: 7201,
    freshness: 'stale',
  });
  assert.deepEqual(judgeFreshness(null, 7200, now), { ageSeconds: null, freshness: 'unknown' });
  assert.deepEqual(judgeFreshness('2026-12-04T10:00:00Z', null, now), {
    ageSeconds: 2520,
    freshness: 'unknown',
  });
  // The source's clock a little ahead of ours: age 0, not negative.
  assert.deepEqual(judgeFreshness('2026-12-04T10:43:00Z', 7200, now), { ageSeconds: 0, freshness: 'fresh' });
});

test('one line says whether the table may be trusted', () => {
  const facts = { table: 'parcels', dataAsOf: '2026-12-04T10:00:00.000Z', freshnessLimitSeconds: 7200 };
  assert.equal(
    describeTrust({ ...facts, freshness: 'fresh', ageSeconds: 2520 }),
    'parcels — fresh, data as of 2026-12-04 10:00 UTC (42m ago, limit 2h)',
  );
  assert.equal(
    describeTrust({ ...facts, freshness: 'stale', ageSeconds: 3 * 3600 + 600 }),
    'parcels — stale, data as of 2026-12-04 10:00 UTC (3h 10m ago, limit 2h)',
  );
  assert.match(
    describeTrust({ ...facts, dataAsOf: null, freshness: 'unknown', ageSeconds: null }),
    /^parcels — freshness unknown: no data-as-of recorded yet/,
  );
});
