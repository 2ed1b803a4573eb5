// A time range given by a person: dates or timestamps (UTC unless a zone is given), normalized to ISO-8601 UTC,
// from strictly before to; and the table must be incremental with a watermark. Pure checks, before any run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPipelineError } from '../../pipelines/definition/errors';
import { parseDefinitionText } from '../../pipelines/definition/load-definition';
import { findRangeTable, parseTimeRange } from '../../pipelines/runner/repair-range';

test('dates and timestamps become an ISO-8601 UTC range', () => {
  assert.deepEqual(parseTimeRange('2026-11-24', '2026-11-25'), {
    from: '2026-11-24T00:00:00.000Z',
    to: '2026-11-25T00:00:00.000Z',
  });
  assert.deepEqual(parseTimeRange('2026-11-24T08:00', '2026-11-24 09:30:15.5'), {
    from: '2026-11-24T08:00:00.000Z',
    to: '2026-11-24T09:30:15.500Z',
  });
  // A zone is honoured: 08:00 in Los Angeles (winter) is 16:00 UTC.
  assert.deepEqual(parseTimeRange('2026-11-24T08:00:00-08:00', '2026-11-24T17:00:00+0000'), {
    from: '2026-11-24T16:00:00.000Z',
    to: '2026-11-24T17:00:00.000Z',
  });
});

test('an empty or reversed range, and text that is not a time, are refused with INVALID_RANGE', () => {
  for (const [from, to, message] of [
    ['2026-11-25', '2026-11-24', /must come before to/],
    ['2026-11-24T10:00Z', '2026-11-24T10:00:00Z', /must come before to/],
    ['yesterday', '2026-11-24', /"yesterday" is not a date or timestamp for from/],
    ['2026-11-24', '2026-13-40', /not a valid to time|not a date/],
    ['2026-11-24', "2026-11-25'; DROP TABLE parcels; --", /not a date or timestamp for to/],
  ] as const) {
    assert.throws(
      () => parseTimeRange(from, to),
      (error: unknown) => isPipelineError(error, 'INVALID_RANGE') && message.test((error as Error).message),
      `${from} .. ${to}`,
    );
  }
});

test('only an incremental table with a watermark has a range to re-extract', () => {
  const definition = parseDefinitionText(
    `name: ranges
source: { name: s, connection: { kind: postgres, urlEnv: X } }
tables:
  - { name: events, primaryKey: [id], watermark: updated_at, target: tables/events }
  - { name: codes, primaryKey: [id], mode: full, target: tables/codes }
`,
    'ranges.pipeline.yaml',
  );
  assert.equal(findRangeTable(definition, 'events').watermark, 'updated_at');
  assert.throws(
    () => findRangeTable(definition, 'codes'),
    /codes of ranges is not incremental with a watermark/,
  );
  assert.throws(
    () => findRangeTable(definition, 'nope'),
    (e: unknown) => isPipelineError(e, 'UNKNOWN_TABLE'),
  );
});
