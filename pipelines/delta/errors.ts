// The Delta layer's error catalogue: stable codes a caller can branch on, a message a person can act on, and the
// underlying failure as `cause`.

import { CodedError, errorGuard } from '../support/coded-error';

export type DeltaErrorCode =
  | 'TABLE_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'TIMESTAMP_NOT_FOUND'
  | 'CORRUPT_LOG'
  | 'MISSING_PROTOCOL'
  | 'MISSING_METADATA'
  | 'UNSUPPORTED_READER_VERSION'
  | 'UNSUPPORTED_FEATURE'
  | 'INVALID_ARGUMENT'
  | 'CORRUPT_DELETION_VECTOR'
  | 'READ_FAILED'
  | 'PATH_OUTSIDE_LAKE'
  // Writer codes (pipelines/delta/write).
  | 'TABLE_EXISTS'
  | 'WRITE_FAILED'
  | 'CONCURRENT_MODIFICATION'
  | 'CONCURRENT_APPEND'
  | 'CONCURRENT_DELETE'
  | 'METADATA_CHANGED'
  | 'PROTOCOL_CHANGED'
  | 'APPEND_ONLY'
  | 'CONSTRAINT_VIOLATION'
  | 'UNSUPPORTED_CONSTRAINT'
  | 'SCHEMA_MISMATCH'
  | 'DUPLICATE_SOURCE_KEYS'
  | 'UNSAFE_RETENTION'
  | 'FILE_NOT_FOUND'
  | 'UNSUPPORTED_WRITER_VERSION';

export class DeltaError extends CodedError<DeltaErrorCode> {
  override name = 'DeltaError';
}

/** True when `error` is a DeltaError, optionally with the given code. */
export const isDeltaError = errorGuard(DeltaError);
