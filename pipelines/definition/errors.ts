// The pipeline layer's error catalogue (definitions, planning, extraction, apply): a stable code a caller can
// branch on, a message a person can act on, and the underlying failure as `cause`.

import { CodedError, errorGuard } from '../support/coded-error';

export type PipelineErrorCode =
  | 'INVALID_DEFINITION'
  | 'DEFINITION_NOT_FOUND'
  | 'MISSING_CREDENTIAL'
  | 'UNKNOWN_TABLE'
  | 'EXTRACT_FAILED'
  | 'APPLY_FAILED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'SYNC_FAILED'
  | 'QUALITY_CHECK_FAILED'
  | 'MAINTENANCE_FAILED'
  | 'RECONCILE_FAILED'
  | 'RECONCILE_DIFFERENCES'
  | 'INVALID_RANGE';

export class PipelineError extends CodedError<PipelineErrorCode> {
  override name = 'PipelineError';
}

export const isPipelineError = errorGuard(PipelineError);
