// The pipeline layer's error catalogue (definitions, planning, extraction, apply): a stable code a caller can
// branch on, a message a person can act on, and the underlying failure as `cause`.

export type PipelineErrorCode =
  | 'INVALID_DEFINITION'
  | 'DEFINITION_NOT_FOUND'
  | 'MISSING_CREDENTIAL'
  | 'UNKNOWN_TABLE'
  | 'EXTRACT_FAILED'
  | 'APPLY_FAILED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'SYNC_FAILED'
  | 'MAINTENANCE_FAILED';

export class PipelineError extends Error {
  readonly code: PipelineErrorCode;

  constructor(code: PipelineErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${message} (${code})`, options);
    this.name = 'PipelineError';
    this.code = code;
  }
}

export function isPipelineError(error: unknown, code?: PipelineErrorCode): error is PipelineError {
  return error instanceof PipelineError && (code === undefined || error.code === code);
}
