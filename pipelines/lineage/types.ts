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

/** The run this one is a step of (a pipeline run's per-table extract, apply or sync). */
export interface ParentRunFacet extends BaseFacet {
  run: { runId: string };
  job: { namespace: string; name: string };
}

/**
 * This product's own run facet (custom facets carry a prefix): the run's datasets are linked table by table by
 * its step runs (ParentRunFacet), so a lineage graph draws those links and not this run's all-inputs-to-all-
 * outputs ones, which would make every source table look upstream of every output.
 */
export interface LakehouseStepsRunFacet extends BaseFacet {
  datasetsLinkedBySteps: true;
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

/** One data-quality check on the dataset (DataQualityAssertionsDatasetFacet 1-0-1). */
export interface DataQualityAssertion {
  assertion: string;
  success: boolean;
  /** The column checked; absent when the assertion is about the whole dataset. */
  column?: string;
}

/** An input dataset facet: the quality checks run on the data the job read. */
export interface DataQualityAssertionsDatasetFacet extends BaseFacet {
  assertions: DataQualityAssertion[];
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
  inputFacets?: { dataQualityAssertions?: DataQualityAssertionsDatasetFacet };
}

export interface OutputDataset extends InputDataset {
  outputFacets?: { outputStatistics?: OutputStatisticsOutputDatasetFacet };
}

export interface RunEvent {
  eventType: RunEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: {
    runId: string;
    facets?: {
      nominalTime?: NominalTimeRunFacet;
      errorMessage?: ErrorMessageRunFacet;
      parent?: ParentRunFacet;
      lakehouse_steps?: LakehouseStepsRunFacet;
    };
  };
  job: { namespace: string; name: string; facets?: Record<string, BaseFacet> };
  inputs: InputDataset[];
  outputs: OutputDataset[];
}
