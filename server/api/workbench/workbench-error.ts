// The workbench's error catalogue: stable codes a person can act on. Each is an ApiError, so handle-route.ts
// answers it with the API's status and JSON shape; `reason` keeps the finer workbench code for logs and tests.

import { ApiError, type ErrorCode } from '../errors';

export type WorkbenchErrorCode =
  | 'TABLE_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'UNSUPPORTED_TABLE'
  | 'INVALID_PATH'
  | 'FILE_NOT_FOUND'
  | 'NOTEBOOK_NOT_FOUND'
  | 'NOTEBOOK_CONFLICT'
  | 'NOTEBOOK_DELETED'
  | 'NOTEBOOK_READ_ONLY'
  | 'NOTEBOOK_VERSION_NOT_FOUND'
  | 'QUERY_FAILED'
  | 'QUERY_NOT_READ_ONLY'
  | 'QUERY_FILE_NOT_ALLOWED'
  /** A server query ran past QUERY_TIMEOUT_MS. */
  | 'QUERY_TIMEOUT'
  /** A server query outgrew its memory or spill cap, or its process died. */
  | 'QUERY_RESOURCES'
  /** The per-user or total bound of concurrent server queries is reached. */
  | 'QUERY_BUSY';

const API_CODE: Record<WorkbenchErrorCode, ErrorCode> = {
  TABLE_NOT_FOUND: 'NOT_FOUND',
  VERSION_NOT_FOUND: 'NOT_FOUND',
  UNSUPPORTED_TABLE: 'CONFLICT',
  INVALID_PATH: 'INVALID_INPUT',
  FILE_NOT_FOUND: 'NOT_FOUND',
  NOTEBOOK_NOT_FOUND: 'NOT_FOUND',
  NOTEBOOK_CONFLICT: 'CONFLICT',
  NOTEBOOK_DELETED: 'CONFLICT',
  NOTEBOOK_READ_ONLY: 'FORBIDDEN',
  NOTEBOOK_VERSION_NOT_FOUND: 'NOT_FOUND',
  QUERY_FAILED: 'INVALID_INPUT',
  QUERY_NOT_READ_ONLY: 'QUERY_NOT_READ_ONLY',
  QUERY_FILE_NOT_ALLOWED: 'QUERY_FILE_NOT_ALLOWED',
  QUERY_TIMEOUT: 'TIMEOUT',
  QUERY_RESOURCES: 'RESOURCE_LIMIT',
  QUERY_BUSY: 'RATE_LIMITED',
};

export class WorkbenchError extends ApiError {
  readonly reason: WorkbenchErrorCode;

  constructor(
    reason: WorkbenchErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number; details?: Record<string, unknown> },
  ) {
    super(API_CODE[reason], message, options);
    this.name = 'WorkbenchError';
    this.reason = reason;
  }
}
