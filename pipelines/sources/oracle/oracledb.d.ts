// The part of node-oracledb 6 (thin mode) the Oracle source uses; the package ships no type declarations and
// @types/oracledb is not installed.

declare module 'oracledb' {
  interface ColumnMetadata {
    name: string;
    dbType: unknown;
  }
  interface FetchTypeResult {
    type: unknown;
  }
  interface ExecuteOptions {
    outFormat?: unknown;
    fetchArraySize?: number;
    fetchTypeHandler?: (metadata: ColumnMetadata) => FetchTypeResult | undefined;
  }
  interface QueryStream extends AsyncIterable<unknown[]> {
    destroy(error?: Error): void;
  }
  interface Connection {
    execute<T = unknown[]>(
      sql: string,
      binds?: Record<string, unknown>,
      options?: ExecuteOptions,
    ): Promise<{ rows?: T[] }>;
    queryStream(sql: string, binds?: Record<string, unknown>, options?: ExecuteOptions): QueryStream;
    /** Interrupts the call in progress on the server (it fails with ORA-01013). */
    break(): Promise<void>;
    close(): Promise<void>;
  }
  interface OracleDb {
    getConnection(config: { user?: string; password?: string; connectString: string }): Promise<Connection>;
    OUT_FORMAT_ARRAY: unknown;
    STRING: unknown;
    BUFFER: unknown;
    DB_TYPE_NUMBER: unknown;
    DB_TYPE_BINARY_FLOAT: unknown;
    DB_TYPE_BINARY_DOUBLE: unknown;
    DB_TYPE_CLOB: unknown;
    DB_TYPE_NCLOB: unknown;
    DB_TYPE_BLOB: unknown;
  }
  const oracledb: OracleDb;
  export default oracledb;
  export type { Connection, ColumnMetadata };
}
