// The data plane's error catalogues (definitions and runs, Delta, sync) share one shape: a stable code a caller
// can branch on, a message a person can act on that ends with the code, and the underlying failure as `cause`.
// Each layer names its own class and codes on top of this one.

export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(`${message} (${code})`, options);
    this.code = code;
  }
}
