// The body of POST /api/query. Plain JSON when a cell reads only lake tables; multipart/form-data when it also
// selects from earlier cells' named results, which exist only in the analyst's browser: the browser sends each one
// as Parquet (written by DuckDB-WASM, so types survive) beside the JSON request, and the server loads them into
// the query's own DuckDB before the cell runs.

import { loadEnv } from '../../config/env';
import { ApiError } from '../errors';
import { readJsonBody } from '../handle-route';
import { formatBytes, limitBody } from '../read-body';
import { queryRequestSchema, VIEW_NAME, type QueryRequest } from './query-request';
import { WorkbenchError } from './workbench-error';

/** Form field prefix of a named result's Parquet file: `result:<name>`. */
export const RESULT_FIELD_PREFIX = 'result:';

export interface UploadedResult {
  name: string;
  parquet: Uint8Array;
}

export interface ParsedQueryBody {
  request: QueryRequest;
  results: UploadedResult[];
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'PAYLOAD_TOO_LARGE',
    `The named results this cell selects from are larger than ${formatBytes(maxBytes)} ` +
      'together; run the cells that build them on the server too, or reduce them first',
  );
}

/** Reads the body through a counter: past `maxBytes` (QUERY_MAX_UPLOAD_BYTES) the read stops with 413. */
export async function readQueryBody(request: Request, maxBytes?: number): Promise<ParsedQueryBody> {
  const limit = maxBytes ?? loadEnv().QUERY_MAX_UPLOAD_BYTES;
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return { request: queryRequestSchema.parse(await readJsonBody(request, limit)), results: [] };
  }
  let form: FormData;
  try {
    const counted = limitBody(request, limit);
    form = await new Response(counted, { headers: { 'content-type': type } }).formData();
  } catch (cause) {
    // The counter's 413 may arrive wrapped by the form parser.
    const limitError = [cause, (cause as { cause?: unknown } | null)?.cause].find(
      (e) => e instanceof ApiError && e.code === 'PAYLOAD_TOO_LARGE',
    );
    if (limitError) throw tooLarge(limit);
    throw new WorkbenchError('QUERY_FAILED', 'The query upload is not a readable form', { cause });
  }
  const json = form.get('request');
  if (typeof json !== 'string') {
    throw new WorkbenchError('QUERY_FAILED', 'The query upload has no "request" field');
  }
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(json);
  } catch {
    throw new WorkbenchError('QUERY_FAILED', 'The "request" field is not valid JSON');
  }
  const parsed = queryRequestSchema.parse(parsedJson);
  const results: UploadedResult[] = [];
  let total = 0;
  for (const [field, value] of form.entries()) {
    if (!field.startsWith(RESULT_FIELD_PREFIX)) continue;
    const name = field.slice(RESULT_FIELD_PREFIX.length);
    if (!VIEW_NAME.test(name)) {
      throw new WorkbenchError('QUERY_FAILED', `"${name.slice(0, 80)}" is not a valid result name`);
    }
    if (parsed.tables.some((ref) => ref.view.toLowerCase() === name.toLowerCase())) {
      throw new WorkbenchError(
        'QUERY_FAILED',
        `The result name "${name}" is also a lake table in this query`,
      );
    }
    if (typeof value === 'string') {
      throw new WorkbenchError('QUERY_FAILED', `The result "${name}" was not sent as a file`);
    }
    total += value.size;
    if (total > limit) throw tooLarge(limit);
    results.push({ name, parquet: new Uint8Array(await value.arrayBuffer()) });
  }
  if (results.length > 32)
    throw new WorkbenchError('QUERY_FAILED', 'A cell may select from 32 results at most');
  return { request: parsed, results };
}
