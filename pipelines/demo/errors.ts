// Errors of the demo source, with stable codes that the CLI and tests can rely on.

export type DemoSourceErrorCode = 'UNREACHABLE' | 'NOT_EMPTY' | 'NOT_SEEDED' | 'INVALID_INPUT' | 'QUERY';

export class DemoSourceError extends Error {
  readonly code: DemoSourceErrorCode;

  constructor(code: DemoSourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoSourceError';
    this.code = code;
  }
}
