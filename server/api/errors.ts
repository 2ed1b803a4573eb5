// The API's small error catalogue (ARCHITECTURE.md §6): every failure a route handler reports has a stable
// code the UI can branch on and a message a person can act on. handle-route.ts turns these into JSON.

export const ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  INVALID_INPUT: 400,
  // The server path of a cell refused a statement that is not a pure query, or a file outside its snapshots.
  QUERY_NOT_READ_ONLY: 400,
  QUERY_FILE_NOT_ALLOWED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Also carries Retry-After (ApiError.retryAfterSeconds): sign-in throttle, busy query slots. */
  RATE_LIMITED: 429,
  /** A server-path query outgrew its memory or disk caps. */
  RESOURCE_LIMIT: 422,
  INTERNAL: 500,
  /** A server-path query ran past its time limit. */
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Sent as Retry-After (RATE_LIMITED): when the client may try again. */
  readonly retryAfterSeconds: number | undefined;
  /** Facts the UI acts on beyond the code (e.g. a notebook's current version on a conflict); sent as is. */
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    if (options?.details) this.details = options.details;
  }
}

/** The JSON body of every error response. */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    issues?: { path: string; message: string }[];
    details?: Record<string, unknown>;
  };
}
