// The scalar function `delta_variant_json(value BLOB, metadata BLOB) → VARCHAR` that the Delta scan SQL uses to
// read variant columns as JSON text (variant-json.ts). Registered in every native DuckDB session
// (duckdb-session.ts); DuckDB-WASM has no such function, so the browser refuses variant tables.

import {
  BLOB,
  DuckDBBlobVector,
  DuckDBScalarFunction,
  DuckDBVarCharVector,
  VARCHAR,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { variantToJson } from './variant-json';

export const VARIANT_JSON_FUNCTION = 'delta_variant_json';

export function registerVariantJsonFunction(connection: DuckDBConnection): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: VARIANT_JSON_FUNCTION,
      returnType: VARCHAR,
      parameterTypes: [BLOB, BLOB],
      // NULL in, NULL out (DuckDB's default handling): a NULL variant column has NULL value and metadata.
      mainFunction: (info, input, output) => {
        const values = input.getColumnVector(0) as DuckDBBlobVector;
        const metadata = input.getColumnVector(1) as DuckDBBlobVector;
        const out = output as DuckDBVarCharVector;
        try {
          for (let row = 0; row < input.rowCount; row += 1) {
            const value = values.getItemBytes(row);
            const meta = metadata.getItemBytes(row);
            out.setItem(row, value === null || meta === null ? null : variantToJson(value, meta));
          }
          out.flush();
        } catch (error) {
          info.setError(error instanceof Error ? error.message : String(error));
        }
      },
    }),
  );
}
