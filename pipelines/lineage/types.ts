// OpenLineage 2-0-2 RunEvent, as far as this product emits it (spec/OpenLineage.json and the facet schemas
// in github.com/OpenLineage/OpenLineage/tree/main/spec/facets). Field names are the spec's, so events
// serialise to JSON that Marquez or DataHub ingest unchanged.

export type RunEventType = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

/** Every facet carries the spec's base fields (BaseFacet). */
export interface BaseFacet {
  _producer: string;
  _schemaURL: string;
}

export interface NominalTimeRunFacet extends BaseFacet {
  nominalStartTime: string;
  nominalEndTime?: string;
}

export interface ErrorMessageRunFacet extends BaseFacet {
  message: string;
  programmingLanguage: string;
  stackTrace?: string;
}

export interface SchemaField {
  name: string;
  type?: string;
  description?: string;
}

export interface SchemaDatasetFacet extends BaseFacet {
  fields: SchemaField[];
}

export interface DatasourceDatasetFacet extends BaseFacet {
  name?: string;
  uri?: string;
}

export interface DatasetVersionDatasetFacet extends BaseFacet {
  datasetVersion: string;
}

export interface OutputStatisticsOutputDatasetFacet extends BaseFacet {
  rowCount: number;
  size?: number;
  fileCount?: number;
}

export interface DatasetFacets {
  schema?: SchemaDatasetFacet;
  dataSource?: DatasourceDatasetFacet;
  /** The spec names the DatasetVersionDatasetFacet key `version`. */
  version?: DatasetVersionDatasetFacet;
}

export interface InputDataset {
  namespace: string;
  name: string;
  facets?: DatasetFacets;
}

export interface OutputDataset extends InputDataset {
  outputFacets?: { outputStatistics?: OutputStatisticsOutputDatasetFacet };
}

export interface RunEvent {
  eventType: RunEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: { nominalTime?: NominalTimeRunFacet; errorMessage?: ErrorMessageRunFacet } };
  job: { namespace: string; name: string; facets?: Record<string, BaseFacet> };
  inputs: InputDataset[];
  outputs: OutputDataset[];
}
