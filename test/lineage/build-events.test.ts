// Lineage events checked against the OpenLineage spec's required fields and formats (spec/OpenLineage.json
// 2-0-2 and the facet schemas in github.com/OpenLineage/OpenLineage/tree/main/spec/facets), restated here
// as zod schemas because no JSON-schema validator is a dependency.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  SCHEMA_URLS,
  buildCompleteEvent,
  buildFailEvent,
  buildStartEvent,
  databaseNamespace,
  fileNamespace,
  hdfsNamespace,
  namespaceFromConnectionUrl,
  tableName,
  type RunDescription,
} from '../../pipelines/lineage';

const uri = z.string().url();
const dateTime = z.string().datetime({ offset: true });
const baseFacet = z.object({ _producer: uri, _schemaURL: uri }).passthrough();
const dataset = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: z
    .object({
      schema: baseFacet
        .extend({ fields: z.array(z.object({ name: z.string(), type: z.string().optional() })) })
        .optional(),
      dataSource: baseFacet.extend({ name: z.string().optional(), uri: uri.optional() }).optional(),
      version: baseFacet.extend({ datasetVersion: z.string() }).optional(),
    })
    .strict()
    .optional(),
});
const runEvent = z
  .object({
    eventType: z.enum(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']),
    eventTime: dateTime,
    producer: uri,
    schemaURL: uri,
    run: z.object({
      runId: z.string().uuid(),
      facets: z
        .object({
          nominalTime: baseFacet
            .extend({ nominalStartTime: dateTime, nominalEndTime: dateTime.optional() })
            .optional(),
          errorMessage: baseFacet
            .extend({
              message: z.string(),
              programmingLanguage: z.string(),
              stackTrace: z.string().optional(),
            })
            .optional(),
          parent: baseFacet
            .extend({
              run: z.object({ runId: z.string().uuid() }),
              job: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
            })
            .optional(),
          // Custom facets: any name with a prefix, a base facet (_producer, _schemaURL) like the others.
          lakehouse_steps: baseFacet.extend({ datasetsLinkedBySteps: z.literal(true) }).optional(),
        })
        .strict()
        .optional(),
    }),
    job: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
    inputs: z.array(dataset),
    outputs: z.array(
      dataset.extend({
        outputFacets: z
          .object({
            outputStatistics: baseFacet.extend({
              rowCount: z.number().int(),
              size: z.number().int().optional(),
              fileCount: z.number().int().optional(),
            }),
          })
          .optional(),
      }),
    ),
  })
  .strict();

const run: RunDescription = {
  runId: '0f9e5a52-8f0e-4f5e-9c1e-3b5c2d7a9e10',
  job: { namespace: 'county-lakehouse', name: 'permits.pipeline' },
  nominalTime: { start: new Date('2026-11-24T08:00:00Z'), end: new Date('2026-11-24T09:00:00Z') },
  inputs: [
    {
      namespace: namespaceFromConnectionUrl('oracle://scott:tiger@DB.county.local/OPS'),
      name: tableName('OPS', 'PERMITS'),
      fields: [{ name: 'PERMIT_ID', type: 'NUMBER(10)' }],
      dataSource: { name: 'OPS', uri: 'oracle://db.county.local:1521' },
    },
  ],
  outputs: [
    {
      namespace: fileNamespace(),
      name: '/lake/tables/permits',
      version: 12,
      fields: [{ name: 'permit_id', type: 'BIGINT' }],
      statistics: { rowCount: 1200, size: 52_000, fileCount: 3 },
    },
  ],
};
const when = new Date('2026-11-24T08:00:05Z');

describe('OpenLineage RunEvents', () => {
  it('START has the spec fields, nominalTime, and no output statistics yet', () => {
    const event = runEvent.parse(buildStartEvent(run, when));
    assert.equal(event.eventType, 'START');
    assert.equal(event.schemaURL, SCHEMA_URLS.runEvent);
    assert.equal(event.run.facets?.nominalTime?.nominalStartTime, '2026-11-24T08:00:00.000Z');
    assert.equal(event.inputs[0]?.namespace, 'oracle://db.county.local:1521');
    assert.equal(event.inputs[0]?.name, 'OPS.PERMITS');
    assert.equal(event.outputs[0]?.outputFacets, undefined);
  });

  it('COMPLETE carries schema, dataSource, version and outputStatistics', () => {
    const event = runEvent.parse(buildCompleteEvent(run, when));
    const out = event.outputs[0]!;
    assert.equal(out.facets?.version?.datasetVersion, '12');
    assert.deepEqual(
      out.outputFacets?.outputStatistics && {
        rowCount: out.outputFacets.outputStatistics.rowCount,
        size: out.outputFacets.outputStatistics.size,
        fileCount: out.outputFacets.outputStatistics.fileCount,
      },
      { rowCount: 1200, size: 52_000, fileCount: 3 },
    );
    assert.equal(out.outputFacets?.outputStatistics._schemaURL, SCHEMA_URLS.outputStatistics);
    assert.equal(event.inputs[0]?.facets?.dataSource?.uri, 'oracle://db.county.local:1521');
    assert.deepEqual(event.inputs[0]?.facets?.schema?.fields, [{ name: 'PERMIT_ID', type: 'NUMBER(10)' }]);
  });

  it('FAIL carries the errorMessage facet with the stack', () => {
    const event = runEvent.parse(
      buildFailEvent(run, when, { message: 'ORA-00942', stack: 'Error: ORA-00942\n  at x' }),
    );
    assert.equal(event.eventType, 'FAIL');
    assert.deepEqual(
      { ...event.run.facets?.errorMessage, _producer: undefined, _schemaURL: undefined },
      {
        _producer: undefined,
        _schemaURL: undefined,
        message: 'ORA-00942',
        programmingLanguage: 'TypeScript',
        stackTrace: 'Error: ORA-00942\n  at x',
      },
    );
  });

  it('is pure: the same description gives the same JSON', () => {
    assert.equal(
      JSON.stringify(buildCompleteEvent(run, when)),
      JSON.stringify(buildCompleteEvent(run, when)),
    );
  });

  it('a step run names its parent run; a run linked by steps says so in its own facet', () => {
    const step = runEvent.parse(
      buildCompleteEvent(
        {
          ...run,
          runId: '6a1d1e0c-41a8-4a4e-8d43-7f0a4b1c2d3e',
          job: { namespace: 'county-lakehouse', name: 'permits.permits.apply' },
          parent: { runId: run.runId, job: run.job },
        },
        when,
      ),
    );
    assert.equal(step.run.facets?.parent?._schemaURL, SCHEMA_URLS.parent);
    assert.deepEqual(
      { run: step.run.facets?.parent?.run, job: step.run.facets?.parent?.job },
      { run: { runId: run.runId }, job: run.job },
    );
    assert.equal(step.run.facets?.lakehouse_steps, undefined);
    const parent = runEvent.parse(buildCompleteEvent({ ...run, linkedBySteps: true }, when));
    assert.equal(parent.run.facets?.lakehouse_steps?.datasetsLinkedBySteps, true);
    assert.throws(
      () => buildStartEvent({ ...run, parent: { runId: 'run-0', job: run.job } }, when),
      /parent runId must be a UUID/,
    );
  });

  it('refuses a run id that is not a UUID', () => {
    assert.throws(() => buildStartEvent({ ...run, runId: 'run-1' }, when), /UUID/);
  });
});

describe('dataset namespaces', () => {
  it('write the default port and drop credentials and database', () => {
    assert.equal(
      namespaceFromConnectionUrl('postgres://u:secret@127.0.0.1/county_ops'),
      'postgres://127.0.0.1:5432',
    );
    assert.equal(namespaceFromConnectionUrl('postgresql://h:6543/x'), 'postgres://h:6543');
    assert.equal(
      namespaceFromConnectionUrl('mysql://root@127.0.0.1:3306/county_mirror'),
      'mysql://127.0.0.1:3306',
    );
    assert.equal(databaseNamespace('oracle', 'ORA.county.local'), 'oracle://ora.county.local:1521');
    assert.equal(hdfsNamespace('namenode'), 'hdfs://namenode:8020');
    assert.equal(fileNamespace('worker1'), 'file://worker1');
    assert.throws(() => namespaceFromConnectionUrl('redis://x'), /No OpenLineage namespace/);
  });
});
