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

/** The type guard of one error class with codes: is `error` one of its errors, optionally with the given code. */
export function errorGuard<E extends Error & { readonly code: string }>(
  type: abstract new (...args: never[]) => E,
): (error: unknown, code?: E['code']) => error is E {
  return (error, code): error is E => error instanceof type && (code === undefined || error.code === code);
}
