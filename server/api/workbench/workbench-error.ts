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
  | 'QUERY_FAILED';

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
};

export class WorkbenchError extends ApiError {
  readonly reason: WorkbenchErrorCode;

  constructor(
    reason: WorkbenchErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(API_CODE[reason], message, options);
    this.name = 'WorkbenchError';
    this.reason = reason;
  }
}
