// The "as of" line every report shows: latest (with when it was read), pinned versions, a pinned time, and time
// travel written in the SQL named as such.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asOfLine } from '../../app/_reports/as-of';

const at = new Date('2026-12-05T08:15:30Z');
const written = [
  { table: 'permits', sqlVersion: 1, version: 1 },
  { table: 'permits', sqlTimestamp: '2026-11-01 10:00', version: 3 },
];

test('the as-of line names what the report reads', () => {
  assert.equal(
    asOfLine({ kind: 'latest' }, [{ table: 'permits', version: 7 }, ...written], at),
    'As of the latest snapshot (2026-12-05 08:15 UTC): permits version 7; permits version 1 (written in the SQL), ' +
      'permits as of 2026-11-01 10:00 (written in the SQL): version 3',
  );
  assert.equal(
    asOfLine(
      { kind: 'versions', versions: { permits: 2, parcels: 0 } },
      [
        { table: 'permits', version: 2 },
        { table: 'parcels', version: 0 },
      ],
      at,
    ),
    'As of pinned versions: permits version 2, parcels version 0',
  );
  assert.equal(
    asOfLine(
      { kind: 'timestamp', timestamp: '2026-11-01T09:30:00Z' },
      [{ table: 'permits', version: 2 }],
      at,
    ),
    'As of 2026-11-01 09:30:00 UTC: permits version 2',
  );
  assert.equal(asOfLine({ kind: 'latest' }, [], at), 'As of: this report reads no lake table');
});
