// Shapes the workbench API returns. The browser imports these as types only (ARCHITECTURE.md §3).

export interface ColumnInfo {
  name: string;
  /** Delta type as written in the schema (primitive name, or 'struct' / 'array' / 'map'). */
  deltaType: string;
  /** The DuckDB type the column reads as. */
  duckdbType: string;
  nullable: boolean;
  partition: boolean;
}

export interface TableSummary {
  name: string;
  version: number;
  columns: ColumnInfo[];
  partitionColumns: string[];
  fileCount: number;
  /** Bytes of the live data files. */
  sizeBytes: number;
  /** Sum of numRecords over files minus deleted rows; null when a file has no stats. */
  rowCount: number | null;
  /** Commit time of the current version (ms since the epoch), when known. */
  updatedAt: number | null;
  error?: string;
}

export interface SnapshotFile {
  /** Lake-relative path of the Parquet file. */
  path: string;
  /** Same-origin URL of the lake file route for it. */
  url: string;
  size: number;
  partitionValues: Record<string, string | null>;
  /** Row positions removed by the file's deletion vector, ascending. */
  deletedRows?: number[];
}

export interface SnapshotView {
  table: string;
  version: number;
  columns: ColumnInfo[];
  partitionColumns: string[];
  files: SnapshotFile[];
  /**
   * One SELECT over the snapshot's logical rows, reading each file by its lake path under the name
   * `lake/<path>` (the browser registers that name for the file's URL).
   */
  scanSql: string;
  /**
   * Why the browser's DuckDB-WASM cannot read this snapshot, when it cannot (variant columns need the server's
   * decoder); the browser refuses the table with this message instead of failing inside the scan SQL.
   */
  browserUnsupported?: string;
}

export interface HistoryItem {
  version: number;
  timestamp: number;
  operation: string | null;
  operationParameters: Record<string, unknown> | null;
  engineInfo: string | null;
  actionCounts: Record<string, number>;
}
