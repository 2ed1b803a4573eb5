// The sync layer's error catalogue: stable codes a caller (worker, UI, CLI) can branch on, a message a person can
// act on, and the underlying failure as `cause`.

import { CodedError, errorGuard } from '../support/coded-error';

export type SyncErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_IDENTIFIER'
  | 'UNSUPPORTED_TYPE'
  | 'KEY_REQUIRED'
  | 'KEY_NOT_INDEXABLE'
  | 'SYNC_LOCKED'
  | 'SYNC_ABORTED'
  | 'MYSQL_UNREACHABLE'
  | 'MYSQL_CONNECTION_LOST'
  | 'MYSQL_QUERY_FAILED'
  | 'ROW_COUNT_MISMATCH'
  | 'VALUES_REJECTED'
  | 'DELTA_READ_FAILED'
  | 'TABLE_NOT_SYNCED';

export class SyncError extends CodedError<SyncErrorCode> {
  override name = 'SyncError';
}

/** True when `error` is a SyncError, optionally with the given code. */
export const isSyncError = errorGuard(SyncError);

/** Stable code of any error: SyncError/DeltaError/LakeError codes, a driver's code, or 'UNKNOWN'. */
export function getErrorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return 'UNKNOWN';
}

/** Message of an error and its causes, one line, for the state row and the CLI. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth += 1) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}
