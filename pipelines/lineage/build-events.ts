// Builds the OpenLineage RunEvents of one run (START, then COMPLETE or FAIL). Pure: the run id, times and
// producer are inputs, so the same run always yields the same events and tests need no clock.

import type {
  DataQualityAssertion,
  DatasetFacets,
  InputDataset,
  OutputDataset,
  RunEvent,
  RunEventType,
  SchemaField,
} from './types';

const SPEC = 'https://openlineage.io/spec';
export const SCHEMA_URLS = {
  runEvent: `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent`,
  nominalTime: `${SPEC}/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet`,
  errorMessage: `${SPEC}/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  parent: `${SPEC}/facets/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet`,
  schema: `${SPEC}/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  dataSource: `${SPEC}/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet`,
  version: `${SPEC}/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet`,
  outputStatistics: `${SPEC}/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet`,
  dataQualityAssertions: `${SPEC}/facets/1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet`,
} as const;

/** Identifies this product as the producer of its events (a URI, as the spec requires). */
export const DEFAULT_PRODUCER = 'https://github.com/county-data-team/lakehouse-workbench/pipelines/lineage';
/** Where this product's own facet is described (a custom facet's schema URL names its producer's schema). */
export const STEPS_FACET_SCHEMA_URL = `${DEFAULT_PRODUCER}/facets/LakehouseStepsRunFacet.json`;

export interface DatasetDescription {
  namespace: string;
  name: string;
  fields?: SchemaField[];
  /** The system the dataset lives in: name (e.g. "county_ops") and URI (the namespace, without credentials). */
  dataSource?: { name: string; uri: string };
  /** The Delta table version, a Parquet file's run id, …; numbers are written as strings. */
  version?: string | number;
  /** Quality checks run on this dataset as the job read it: an input facet (dataQualityAssertions). */
  assertions?: DataQualityAssertion[];
}

export interface OutputDescription extends DatasetDescription {
  statistics?: { rowCount: number; size?: number; fileCount?: number };
}

export interface RunDescription {
  runId: string;
  job: { namespace: string; name: string };
  producer?: string;
  /** The scheduled hour this run stands for; absent for runs nobody scheduled. */
  nominalTime?: { start: Date; end?: Date };
  inputs?: DatasetDescription[];
  outputs?: OutputDescription[];
  /** The run this is a step of. */
  parent?: { runId: string; job: { namespace: string; name: string } };
  /** The datasets are linked table by table by step runs (LakehouseStepsRunFacet). */
  linkedBySteps?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function datasetFacets(d: DatasetDescription, producer: string): DatasetFacets | undefined {
  const facets: DatasetFacets = {};
  const base = (url: string) => ({ _producer: producer, _schemaURL: url });
  if (d.fields) facets.schema = { ...base(SCHEMA_URLS.schema), fields: d.fields };
  if (d.dataSource) facets.dataSource = { ...base(SCHEMA_URLS.dataSource), ...d.dataSource };
  if (d.version !== undefined)
    facets.version = { ...base(SCHEMA_URLS.version), datasetVersion: String(d.version) };
  return Object.keys(facets).length ? facets : undefined;
}

function dataset(d: DatasetDescription, producer: string): InputDataset {
  const facets = datasetFacets(d, producer);
  return { namespace: d.namespace, name: d.name, ...(facets ? { facets } : {}) };
}

function input(d: DatasetDescription, producer: string): InputDataset {
  const read = dataset(d, producer);
  if (d.assertions?.length) {
    read.inputFacets = {
      dataQualityAssertions: {
        _producer: producer,
        _schemaURL: SCHEMA_URLS.dataQualityAssertions,
        assertions: d.assertions.map((a) => ({
          assertion: a.assertion,
          success: a.success,
          ...(a.column !== undefined ? { column: a.column } : {}),
        })),
      },
    };
  }
  return read;
}

function output(d: OutputDescription, producer: string, withStatistics: boolean): OutputDataset {
  const out: OutputDataset = dataset(d, producer);
  if (withStatistics && d.statistics) {
    out.outputFacets = {
      outputStatistics: {
        _producer: producer,
        _schemaURL: SCHEMA_URLS.outputStatistics,
        rowCount: d.statistics.rowCount,
        ...(d.statistics.size !== undefined ? { size: d.statistics.size } : {}),
        ...(d.statistics.fileCount !== undefined ? { fileCount: d.statistics.fileCount } : {}),
      },
    };
  }
  return out;
}

function buildEvent(
  type: RunEventType,
  run: RunDescription,
  eventTime: Date,
  error?: { message: string; stack?: string },
): RunEvent {
  if (!UUID.test(run.runId))
    throw new Error(`OpenLineage runId must be a UUID, got ${JSON.stringify(run.runId)}`);
  if (Number.isNaN(eventTime.getTime())) throw new Error('OpenLineage eventTime is not a valid date');
  const producer = run.producer ?? DEFAULT_PRODUCER;
  const runFacets: RunEvent['run']['facets'] = {};
  if (run.nominalTime) {
    runFacets.nominalTime = {
      _producer: producer,
      _schemaURL: SCHEMA_URLS.nominalTime,
      nominalStartTime: run.nominalTime.start.toISOString(),
      ...(run.nominalTime.end ? { nominalEndTime: run.nominalTime.end.toISOString() } : {}),
    };
  }
  if (run.parent) {
    if (!UUID.test(run.parent.runId))
      throw new Error(`OpenLineage parent runId must be a UUID, got ${JSON.stringify(run.parent.runId)}`);
    runFacets.parent = {
      _producer: producer,
      _schemaURL: SCHEMA_URLS.parent,
      run: { runId: run.parent.runId },
      job: { namespace: run.parent.job.namespace, name: run.parent.job.name },
    };
  }
  if (run.linkedBySteps) {
    runFacets.lakehouse_steps = {
      _producer: producer,
      _schemaURL: STEPS_FACET_SCHEMA_URL,
      datasetsLinkedBySteps: true,
    };
  }
  if (error) {
    runFacets.errorMessage = {
      _producer: producer,
      _schemaURL: SCHEMA_URLS.errorMessage,
      message: error.message,
      programmingLanguage: 'TypeScript',
      ...(error.stack ? { stackTrace: error.stack } : {}),
    };
  }
  return {
    eventType: type,
    eventTime: eventTime.toISOString(),
    producer,
    schemaURL: SCHEMA_URLS.runEvent,
    run: { runId: run.runId, ...(Object.keys(runFacets).length ? { facets: runFacets } : {}) },
    job: { namespace: run.job.namespace, name: run.job.name },
    inputs: (run.inputs ?? []).map((d) => input(d, producer)),
    // Statistics describe what was written, which only a finished run knows.
    outputs: (run.outputs ?? []).map((d) => output(d, producer, type === 'COMPLETE')),
  };
}

export function buildStartEvent(run: RunDescription, eventTime: Date): RunEvent {
  return buildEvent('START', run, eventTime);
}

export function buildCompleteEvent(run: RunDescription, eventTime: Date): RunEvent {
  return buildEvent('COMPLETE', run, eventTime);
}

export function buildFailEvent(
  run: RunDescription,
  eventTime: Date,
  error: { message: string; stack?: string },
): RunEvent {
  return buildEvent('FAIL', run, eventTime, error);
}
