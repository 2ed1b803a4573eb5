// The browser's one way to call our API: same-origin cookies, the CSRF header on every request (harmless on
// GETs, required on the rest), never a cached answer (answers are per user), and every failure thrown as
// ApiClientError: the server's {error: {code, message}} when it sent one, NETWORK when the server could not be
// reached, so a page can show something a person can act on instead of "HTTP 500" or "Failed to fetch".
// An ended session (401) sends the browser back to the login page with `next` = where it was, so logging in
// returns the person to the same page.

export class ApiClientError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's facts beyond the code, e.g. `{reason: 'NOTEBOOK_CONFLICT', currentVersion}`. */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ApiRequestOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as multipart/form-data instead of `body` (the browser sets the boundary). */
  form?: FormData;
  /** Sent as the raw body (an uploaded file) instead of `body`, with its own Content-Type. */
  blob?: Blob;
  signal?: AbortSignal;
  /** Lets the request finish while the page unloads (bodies up to 64 KB). */
  keepalive?: boolean;
  accept?: string;
  /**
   * False where a 401 is an answer rather than an ended session: the login form (wrong password) and the
   * "who am I" probe (a visitor who has not signed in). Everywhere else a 401 leaves for the login page.
   */
  redirectOn401?: boolean;
}

/** The browser effects the client uses, injected so tests can pass a fake fetch and watch the redirect. */
export interface ApiClientEffects {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** Where the browser is now: path and query, for the login page's `next`. */
  currentPath: () => string;
  /** Leaves the page for `url`. */
  navigate: (url: string) => void;
}

export const loginUrl = (next: string) => `/login?next=${encodeURIComponent(next)}`;

const NETWORK_MESSAGE = 'Cannot reach the server; check your connection and try again';

async function toError(response: Response): Promise<ApiClientError> {
  const text = await response.text().catch(() => '');
  let error: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error } | null)?.error;
  } catch {
    // Not JSON (e.g. a proxy's HTML error page); reported with the status instead.
  }
  return new ApiClientError(
    response.status,
    typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    typeof error?.message === 'string'
      ? error.message
      : `The server answered ${response.status} ${response.statusText}`.trim(),
    typeof error?.details === 'object' && error.details !== null
      ? (error.details as Record<string, unknown>)
      : {},
  );
}

export function createApiClient(effects: ApiClientEffects) {
  /** The primitive: the successful Response (for streams and headers), or an ApiClientError thrown. */
  async function apiRequest(path: string, options: ApiRequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { 'x-lakehouse-csrf': '1' };
    if (options.accept) headers.Accept = options.accept;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.blob) {
      headers['Content-Type'] = options.blob.type || 'application/octet-stream';
      body = options.blob;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await effects.fetch(path, {
        method: options.method ?? 'GET',
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: options.signal,
        ...(options.keepalive ? { keepalive: true } : {}),
      });
    } catch (error) {
      // A cancelled request is the caller's own doing, not a failure to report.
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiClientError(0, 'NETWORK', NETWORK_MESSAGE);
    }
    if (response.ok) return response;
    const error = await toError(response);
    if (response.status === 401 && options.redirectOn401 !== false) {
      const here = effects.currentPath();
      // Already on the login page: going there again would loop.
      if (!here.startsWith('/login')) effects.navigate(loginUrl(here));
    }
    throw error;
  }

  /** A JSON call: the parsed answer (undefined for an empty one, e.g. 204). */
  async function apiFetch<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
    const response = await apiRequest(path, { accept: 'application/json', ...options });
    const text = await response.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiClientError(
        response.status,
        'INVALID_RESPONSE',
        'The server sent an answer that is not JSON',
      );
    }
  }

  return {
    apiRequest,
    apiFetch,
    api: {
      get: <T>(path: string, signal?: AbortSignal) => apiFetch<T>(path, { signal }),
      post: <T>(path: string, body?: unknown) => apiFetch<T>(path, { method: 'POST', body: body ?? {} }),
      put: <T>(path: string, body: unknown) => apiFetch<T>(path, { method: 'PUT', body }),
      patch: <T>(path: string, body: unknown) => apiFetch<T>(path, { method: 'PATCH', body }),
      delete: <T>(path: string) => apiFetch<T>(path, { method: 'DELETE' }),
    },
  };
}

const browserClient = createApiClient({
  // Looked up at call time, so the page's fetch is used as it is then.
  fetch: (input, init) => fetch(input, init),
  currentPath: () => `${window.location.pathname}${window.location.search}`,
  navigate: (url) => window.location.assign(url),
});

export const { apiRequest, apiFetch, api } = browserClient;
