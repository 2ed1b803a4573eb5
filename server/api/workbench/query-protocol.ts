// Messages between the web process and a query child (query-child.ts), over Node's IPC channel with the
// 'advanced' serialization, so Uint8Arrays travel as bytes rather than JSON arrays.

import type { QueryRequest } from './query-request';
import type { UploadedResult } from './query-upload';
import type { ServerQueryLimits } from './run-server-query';
import type { WorkbenchErrorCode } from './workbench-error';

export type ToChild =
  | {
      type: 'run';
      lakeRoot: string;
      request: QueryRequest;
      results: UploadedResult[];
      limits: ServerQueryLimits;
    }
  /** Send the next chunk of the result: the web process asks only as fast as the client reads. */
  | { type: 'pull' };

export type FromChild =
  | { type: 'ready' }
  | { type: 'started'; versions: Record<string, number>; first: Uint8Array[]; done: boolean }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; reason: WorkbenchErrorCode | null; code: string; message: string };
