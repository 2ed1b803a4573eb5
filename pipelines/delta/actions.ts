// Delta log action shapes (PROTOCOL.md "Actions"). Only the fields a reader or writer uses are typed; unknown fields
// are kept on the parsed objects and ignored.

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options?: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface DeletionVectorDescriptor {
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string | null;
  /** Typed stats from a checkpoint's `add.stats_parsed` column, when the checkpoint carried no JSON stats. */
  statsParsed?: Record<string, unknown> | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
}

export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

export interface DomainMetadata {
  domain: string;
  configuration: string;
  removed: boolean;
}

export interface CommitInfo {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  engineInfo?: string;
  [key: string]: unknown;
}

export interface Cdc {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  dataChange: boolean;
  tags?: Record<string, string> | null;
}

export interface Sidecar {
  path: string;
  sizeInBytes: number;
  modificationTime: number;
  tags?: Record<string, string> | null;
}

export interface CheckpointMetadata {
  version: number;
  tags?: Record<string, string> | null;
}

/** One line of a commit (or one row of a checkpoint): exactly one of the fields is set. */
export interface Action {
  protocol?: Protocol;
  metaData?: Metadata;
  add?: AddFile;
  remove?: RemoveFile;
  txn?: Txn;
  commitInfo?: CommitInfo;
  cdc?: Cdc;
  domainMetadata?: DomainMetadata;
  sidecar?: Sidecar;
  checkpointMetadata?: CheckpointMetadata;
}

export const ACTION_KEYS = [
  'protocol',
  'metaData',
  'add',
  'remove',
  'txn',
  'commitInfo',
  'cdc',
  'domainMetadata',
  'sidecar',
  'checkpointMetadata',
] as const;
