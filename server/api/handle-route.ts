// Wraps every app/api route handler so failures look the same everywhere: ApiError and zod errors become
// `{error: {code, message}}` with their status; anything else is logged with its stack on the server and
// answered as INTERNAL without the stack, so internals never reach a browser.

import { ZodError } from 'zod';
import { loadEnv } from '../config/env';
import { ApiError, ERROR_STATUS, type ApiErrorBody } from './errors';
import { readBodyBytes } from './read-body';

type Handler<C> = (request: Request, context: C) => Promise<Response>;

export interface HandleRouteOptions {
  /** Where unexpected errors go; console.error by default. */
  logError?: (message: string, error: unknown) => void;
}

const noStore = { 'Cache-Control': 'no-store' };

export function handleRoute<C = unknown>(handler: Handler<C>, options: HandleRouteOptions = {}): Handler<C> {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error, (e) =>
        logError(`[api] ${request.method} ${new URL(request.url).pathname} failed:`, e),
      );
    }
  };
}

export function errorResponse(error: unknown, logUnexpected: (error: unknown) => void): Response {
  if (error instanceof ApiError) {
    const body: ApiErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
    const retry = error.retryAfterSeconds;
    const headers = retry === undefined ? noStore : { ...noStore, 'Retry-After': String(Math.ceil(retry)) };
    return Response.json(body, { status: error.status, headers });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    const body: ApiErrorBody = { error: { code: 'INVALID_INPUT', message, issues } };
    return Response.json(body, { status: ERROR_STATUS.INVALID_INPUT, headers: noStore });
  }
  logUnexpected(error);
  const body: ApiErrorBody = {
    error: { code: 'INTERNAL', message: 'Internal error; the server log has the details' },
  };
  return Response.json(body, { status: 500, headers: noStore });
}

/** A JSON success response that no cache keeps (API answers are per user). */
export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Cache-Control', 'no-store');
  return Response.json(data, { ...init, headers });
}

/**
 * Parse a JSON request body, answering INVALID_INPUT for anything that is not JSON and PAYLOAD_TOO_LARGE (413) as
 * soon as more than `maxBytes` (API_MAX_BODY_BYTES by default) have arrived. Callers authorize first: an
 * unauthenticated request gets its 401 before a byte of its body is read.
 */
export async function readJsonBody(request: Request, maxBytes?: number): Promise<unknown> {
  const limit = maxBytes ?? loadEnv().API_MAX_BODY_BYTES;
  const text = new TextDecoder().decode(await readBodyBytes(request, limit));
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('INVALID_INPUT', 'The request body is not valid JSON');
  }
}
