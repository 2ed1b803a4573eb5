// Pin resolution: each table a report reads resolved to one version under latest, per-table and time pins, with
// the time travel written in its SQL kept as written; a per-table pin fixed at publishing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notebook } from '../../server/notebooks/types';
import {
  fixPin,
  PinError,
  reportTableRefs,
  resolveReads,
  type VersionOf,
} from '../../server/reports/resolve-pin';

// permits has versions 0..5 committed at hours 0..5 of 2026-11-01; parcels 0..2 at hours 3..5.
const commits: Record<string, number[]> = { permits: [0, 1, 2, 3, 4, 5], parcels: [3, 4, 5] };
const versionOf: VersionOf = async (table, at) => {
  const hours = commits[table];
  if (!hours) throw new Error(`no table ${table}`);
  if (at.version !== undefined) {
    if (at.version >= hours.length) throw new Error(`no version ${at.version}`);
    return at.version;
  }
  if (at.timestamp !== undefined) {
    const hour = new Date(at.timestamp).getUTCHours();
    const version = hours.filter((h) => h <= hour).length - 1;
    if (version < 0) throw new Error(`nothing at or before ${at.timestamp}`);
    return version;
  }
  return hours.length - 1;
};

const notebook: Notebook = {
  id: 'n',
  title: 'n',
  parameters: [],
  cells: [
    { id: 'c1', kind: 'markdown', source: 'FROM permits is not SQL here' },
    { id: 'c2', kind: 'sql', source: 'SELECT * FROM permits p JOIN Parcels USING (id)' },
    {
      id: 'c3',
      kind: 'sql',
      source:
        "SELECT * FROM permits VERSION AS OF 1 UNION ALL SELECT * FROM permits TIMESTAMP AS OF '2026-11-01 02:30'",
    },
    { id: 'c4', kind: 'sql', source: 'SELECT * FROM counts -- an earlier result, not a table' },
  ],
};
const refs = reportTableRefs(notebook, ['permits', 'parcels', 'other']);

test('a report reads the tables its SQL cells name, time travel as written', () => {
  assert.deepEqual(refs, [
    { table: 'permits' },
    { table: 'parcels' },
    { table: 'permits', version: 1 },
    { table: 'permits', timestamp: '2026-11-01 02:30' },
  ]);
});

test('latest, per-table and time pins resolve plain reads; SQL time travel stays as written', async () => {
  const sqlReads = [
    { table: 'permits', sqlVersion: 1, version: 1 },
    { table: 'permits', sqlTimestamp: '2026-11-01 02:30', version: 2 },
  ];
  assert.deepEqual(await resolveReads(refs, { kind: 'latest' }, versionOf), [
    { table: 'permits', version: 5 },
    { table: 'parcels', version: 2 },
    ...sqlReads,
  ]);
  assert.deepEqual(
    await resolveReads(refs, { kind: 'versions', versions: { permits: 3, parcels: 0 } }, versionOf),
    [{ table: 'permits', version: 3 }, { table: 'parcels', version: 0 }, ...sqlReads],
  );
  assert.deepEqual(
    await resolveReads(refs, { kind: 'timestamp', timestamp: '2026-11-01T04:10:00Z' }, versionOf),
    [{ table: 'permits', version: 4 }, { table: 'parcels', version: 1 }, ...sqlReads],
  );
});

test('publishing fixes a per-table pin: unnamed tables get their current version, bad ones are refused', async () => {
  assert.deepEqual(await fixPin({ kind: 'versions', versions: { permits: 2 } }, refs, versionOf), {
    kind: 'versions',
    versions: { permits: 2, parcels: 2 },
  });
  await assert.rejects(
    fixPin({ kind: 'versions', versions: { other: 0 } }, refs, versionOf),
    (error: Error) => {
      assert.ok(error instanceof PinError);
      assert.match(error.message, /does not read other/);
      return true;
    },
  );
  await assert.rejects(
    fixPin({ kind: 'versions', versions: { permits: 9 } }, refs, versionOf),
    /permits has no version 9/,
  );
  // parcels has no version before 03:00.
  await assert.rejects(
    fixPin({ kind: 'timestamp', timestamp: '2026-11-01T01:00:00Z' }, refs, versionOf),
    /parcels has no version at or before/,
  );
  assert.deepEqual(await fixPin({ kind: 'latest' }, refs, versionOf), { kind: 'latest' });
});
