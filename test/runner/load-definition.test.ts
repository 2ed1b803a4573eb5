// Pipeline definitions: the demo loads with its defaults resolved; a bad definition is refused naming the file,
// the path inside it and what is wrong; inline passwords are refused wherever they appear.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isPipelineError } from '../../pipelines/definition/errors';
import { findTable, loadDefinition, parseDefinitionText } from '../../pipelines/definition/load-definition';
import { resolveConnectionUrl } from '../../pipelines/definition/open-source';

const DEMO = path.resolve('pipelines/demo/county-ops.pipeline.yaml');

const MINIMAL = `
name: ops
source:
  name: ops
  connection: { kind: postgres, urlEnv: OPS_URL }
tables:
  - name: parcels
    primaryKey: [parcel_id]
    watermark: updated_at
`;

function refusal(text: string, expected: RegExp): void {
  assert.throws(
    () => parseDefinitionText(text, 'bad.yaml'),
    (error: unknown) => {
      assert.ok(isPipelineError(error, 'INVALID_DEFINITION'), String(error));
      assert.match(error.message, /^bad\.yaml: /);
      assert.match(error.message, expected);
      return true;
    },
  );
}

test('the demo definition loads: four tables, hourly, defaults resolved', async () => {
  const definition = await loadDefinition(DEMO);
  assert.equal(definition.name, 'county-ops');
  assert.deepEqual(
    definition.tables.map((table) => table.name),
    ['parcels', 'building_permits', 'inspections', 'service_requests'],
  );
  assert.deepEqual(definition.schedule, { cron: '0 * * * *', timeZone: 'America/Los_Angeles' });
  const requests = findTable(definition, 'service_requests');
  assert.equal(requests.mode, 'incremental');
  assert.equal(requests.watermark, 'updated_at');
  assert.equal(requests.overlapMs, 600_000);
  assert.deepEqual(requests.deleteDetection, { keyComparison: { everyRuns: 24 } });
  assert.equal(requests.target, 'tables/service_requests');
  assert.deepEqual(requests.primaryKey, ['request_id']);
  assert.equal(requests.sync?.table, 'service_requests');
  assert.ok(
    definition.tables.every((table) => table.changeDataFeed === true),
    'the demo turns the change data feed on',
  );
});

test("defaults: hourly in the scheduler's time zone, incremental, 10 min overlap, no delete detection, target under tables/<source>", () => {
  const definition = parseDefinitionText(MINIMAL, 'ops.yaml');
  // No time zone in the definition: the worker schedules it in SCHEDULE_TIMEZONE.
  assert.deepEqual(definition.schedule, { cron: '0 * * * *' });
  const table = definition.tables[0];
  assert.ok(table);
  assert.equal(table.mode, 'incremental');
  assert.equal(table.overlapMs, 600_000);
  assert.equal(table.deleteDetection, 'none');
  assert.equal(table.target, 'tables/ops/parcels');
  assert.deepEqual(table.partitionBy, []);
  assert.equal(table.changeDataFeed, undefined, 'no change data feed unless asked');
});

test('changeDataFeed: the defaults turn it on, a table can turn it off; a non-boolean is refused', () => {
  const on = MINIMAL.replace('tables:', 'defaults:\n  changeDataFeed: true\ntables:');
  assert.equal(parseDefinitionText(on, 'ops.yaml').tables[0]?.changeDataFeed, true);
  const off = on.replace('primaryKey: [parcel_id]', 'primaryKey: [parcel_id]\n    changeDataFeed: false');
  assert.equal(parseDefinitionText(off, 'ops.yaml').tables[0]?.changeDataFeed, undefined);
  refusal(
    MINIMAL.replace('primaryKey: [parcel_id]', "primaryKey: [parcel_id]\n    changeDataFeed: 'yes'"),
    /tables\[0\]\.changeDataFeed: /,
  );
});

test('JSON definitions load too', () => {
  const json = JSON.stringify({
    name: 'j',
    source: { name: 'src', connection: { kind: 'mysql', host: 'db', userEnv: 'U', passwordEnv: 'P' } },
    tables: [{ name: 't', primaryKey: ['id'], mode: 'full' }],
  });
  const definition = parseDefinitionText(json, 'j.json');
  assert.equal(definition.tables[0]?.mode, 'full');
});

test('a bad definition names the path inside the file and what is wrong', () => {
  refusal(MINIMAL.replace('primaryKey: [parcel_id]', 'primaryKey: []'), /tables\[0\]\.primaryKey: /);
  refusal(MINIMAL.replace('kind: postgres', 'kind: db2'), /source\.connection\.kind: /);
  refusal(
    MINIMAL.replace('    watermark: updated_at\n', ''),
    /tables\[0\]\.watermark: an incremental table needs a watermark/,
  );
  refusal(
    MINIMAL.replace('name: parcels', 'name: "parcels; drop table x"'),
    /tables\[0\]\.name: must be a plain identifier/,
  );
  refusal(`${MINIMAL}schedule: { cron: 'hourly' }\n`, /schedule\.cron: must be a five-field cron/);
  refusal(
    `${MINIMAL}schedule: { timeZone: 'Mars/Olympus' }\n`,
    /schedule\.timeZone: must be an IANA time zone/,
  );
  refusal(
    MINIMAL.replace('watermark: updated_at', 'watermark: updated_at\n    overlap: 10 minutes'),
    /tables\[0\]\.overlap: /,
  );
  refusal(
    MINIMAL.replace('urlEnv: OPS_URL', 'urlEnv: ops-url'),
    /source\.connection\.urlEnv: must be an environment variable NAME/,
  );
  refusal(
    MINIMAL.replace('watermark: updated_at', 'watermark: updated_at\n    colour: red'),
    /tables\[0\]: .*colour/,
  );
  refusal(
    `${MINIMAL}  - name: parcels\n    primaryKey: [id]\n    mode: full\n`,
    /tables\[1\]\.name: table listed twice/,
  );
  refusal(
    MINIMAL.replace('target', 'x').replace(
      'watermark: updated_at',
      'watermark: updated_at\n    target: ../escape',
    ),
    /tables\[0\]\.target: /,
  );
  refusal('name: [unclosed', /not valid YAML/);
});

test('inline passwords are refused, in a key or inside a URL', () => {
  refusal(
    MINIMAL.replace('urlEnv: OPS_URL', 'host: db, password: hunter2'),
    /source\.connection\.password: inline passwords are refused/,
  );
  refusal(
    MINIMAL.replace('urlEnv: OPS_URL', "url: 'postgres://app:hunter2@db/ops'"),
    /source\.connection\.url: must not contain a password/,
  );
});

test('credentials come from the variables the definition names; a missing one is MISSING_CREDENTIAL', () => {
  const definition = parseDefinitionText(
    MINIMAL.replace(
      'urlEnv: OPS_URL',
      'host: db.county.local, database: ops, userEnv: OPS_USER, passwordEnv: OPS_PASSWORD',
    ),
    'ops.yaml',
  );
  const spec = definition.source.connection;
  assert.equal(
    resolveConnectionUrl(spec, { OPS_USER: 'etl', OPS_PASSWORD: 'p@ss word' }),
    'postgres://etl:p%40ss%20word@db.county.local:5432/ops',
  );
  assert.throws(
    () => resolveConnectionUrl(spec, { OPS_USER: 'etl' }),
    (error: unknown) => isPipelineError(error, 'MISSING_CREDENTIAL') && /OPS_PASSWORD/.test(error.message),
  );
});

test('an unknown table is refused with the tables there are', async () => {
  const definition = await loadDefinition(DEMO);
  assert.throws(
    () => findTable(definition, 'permits'),
    /has no table permits \(it has parcels, building_permits/,
  );
});

test('a missing file is DEFINITION_NOT_FOUND', async () => {
  await assert.rejects(loadDefinition('/nonexistent/x.yaml'), (error: unknown) =>
    isPipelineError(error, 'DEFINITION_NOT_FOUND'),
  );
});
