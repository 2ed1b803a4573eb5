// The route × caller table of the two route-authorization test files: one row per route file and HTTP method
// with the status each caller expects, run as one test per (row, caller) plus, for state-changing methods, the
// CSRF refusals; and the (route, method) pairs under app/api, so a route without a row fails its file.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { it } from 'node:test';
import type { Role } from '../../server/auth/permissions';
import { CSRF_HEADERS } from '../support/auth';
import { BASE_URL } from './role-sessions';

export const CALLERS = ['anonymous', 'frontend', 'analyst', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type Headers = Record<string, string>;

export interface RouteRow {
  /** The route file's folder under app/api, e.g. 'notebooks/[id]'. */
  route: string;
  method: HttpMethod;
  /** Tells apart several rows of one route and method (a query string, say). */
  variant?: string;
  /** The status each caller gets; 401 comes with UNAUTHENTICATED and 403 with FORBIDDEN. */
  expect: Record<Caller, number>;
  /** Calls the handler with the caller's headers: its session cookie (none when anonymous) and the CSRF header. */
  call: (headers: Headers, caller: Caller) => Promise<Response>;
  /** Extra checks of an allowed answer (its body, as text). */
  check?: (res: Response, body: string, caller: Caller) => void;
  /** Why the row cannot run here (a service is down). */
  skip?: string | false;
}

/** The caller's status per role: `allowed` get `ok`, other roles 403, anonymous 401. */
export function only(allowed: Role[], ok = 200): Record<Caller, number> {
  return {
    anonymous: 401,
    frontend: allowed.includes('frontend') ? ok : 403,
    analyst: allowed.includes('analyst') ? ok : 403,
    admin: allowed.includes('admin') ? ok : 403,
  };
}

/** A public route: the same status for everyone, signed in or not. */
export const everyone = (status = 200): Record<Caller, number> => ({
  anonymous: status,
  frontend: status,
  analyst: status,
  admin: status,
});

export const req = (method: HttpMethod, url: string, headers: Headers, body?: unknown) =>
  new Request(`${BASE_URL}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export const params = <P>(p: P) => ({ params: Promise.resolve(p) });

export const label = (row: RouteRow) =>
  `${row.method} /api/${row.route}${row.variant ? ` ${row.variant}` : ''}`;

const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

/**
 * Registers the table's tests (call inside a describe): each row as each caller, then, for a state-changing
 * method, the admin without the CSRF header and from another origin, both refused as CSRF before anything else.
 * `cookies` is filled in by the file's before() hook.
 */
export function routeTableTests(rows: RouteRow[], cookies: Partial<Record<Role, string>>): void {
  for (const row of rows) {
    for (const caller of CALLERS) {
      const expected = row.expect[caller];
      it(`${label(row)} as ${caller} → ${expected}`, { skip: row.skip ?? false }, async () => {
        const cookie = caller === 'anonymous' ? undefined : cookies[caller];
        const res = await row.call({ ...CSRF_HEADERS, ...(cookie ? { cookie } : {}) }, caller);
        const body = await res.text();
        assert.equal(res.status, expected, body);
        if (expected === 401) assert.equal(errorCode(body), 'UNAUTHENTICATED');
        else if (expected === 403) assert.equal(errorCode(body), 'FORBIDDEN');
        else row.check?.(res, body, caller);
      });
    }
    if (row.method === 'GET' || row.method === 'HEAD' || row.method === 'OPTIONS') continue;
    it(
      `${label(row)} without the CSRF header, or from another origin → 403 CSRF`,
      { skip: row.skip ?? false },
      async () => {
        const cookie = cookies.admin!;
        for (const headers of [{ cookie }, { cookie, ...CSRF_HEADERS, origin: 'https://evil.example' }]) {
          const res = await row.call(headers, 'admin');
          const body = await res.text();
          assert.equal(res.status, 403, body);
          assert.equal(errorCode(body), 'CSRF');
        }
      },
    );
  }
}

/** The workbench's routes, covered by route-authorization-workbench.test.ts; every other route is in
 * route-authorization.test.ts. */
export const WORKBENCH_ROUTES = [
  'catalog/tables',
  'catalog/tables/[table]/changes',
  'catalog/tables/[table]/history',
  'catalog/tables/[table]/snapshot',
  'lake/[...path]',
  'notebooks',
  'notebooks/[id]',
  'notebooks/[id]/duplicate',
  'notebooks/[id]/files',
  'notebooks/[id]/files/[name]',
  'notebooks/[id]/history',
  'notebooks/[id]/sharing',
  'query',
  'query/history',
];

/** The reports' routes (issue 15), covered by route-authorization-reports.test.ts. */
export const REPORT_ROUTES = [
  'notebooks/[id]/publish',
  'reports',
  'reports/[id]',
  'reports/[id]/files/[name]',
  'reports/[id]/lake/[...path]',
  'reports/[id]/snapshot',
];

/** A notebook's schedule and stored runs (issue 15), covered by route-authorization-notebook-runs.test.ts. */
export const NOTEBOOK_RUN_ROUTES = [
  'notebooks/[id]/schedule',
  'notebooks/[id]/runs',
  'notebooks/[id]/runs/[runId]',
  'notebooks/[id]/runs/[runId]/outputs/[name]',
];

export const API_DIR = fileURLToPath(new URL('../../app/api/', import.meta.url));
const ROUTE_FILE = /^route\.(ts|tsx|js|mjs)$/;
const METHOD_NAMES = HTTP_METHODS.join('|');
// `export const GET =`, `export function GET(`, `export async function GET(`, and `export { GET, x as POST }`.
const DECLARED = new RegExp(
  `export\\s+(?:(?:async\\s+)?function\\s*\\*?|const|let|var)\\s+(${METHOD_NAMES})\\b`,
  'g',
);
const LISTED = /export\s*(?:type\s*)?\{([^}]*)\}/g;

export async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return routeFiles(full);
      return Promise.resolve(ROUTE_FILE.test(entry.name) ? [full] : []);
    }),
  );
  return nested.flat();
}

/** The HTTP methods a route file's source exports. */
export function exportedMethods(source: string): HttpMethod[] {
  const found = new Set<string>();
  for (const match of source.matchAll(DECLARED)) found.add(match[1]!);
  for (const match of source.matchAll(LISTED)) {
    for (const item of match[1]!.split(',')) {
      const exported = item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (exported) found.add(exported);
    }
  }
  return HTTP_METHODS.filter((method) => found.has(method));
}

/**
 * Every (route, method) under app/api, read from the route files' source and checked against what the module
 * really exports, so an export style the scan misses (`export * from`, say) fails here instead of hiding a route.
 */
export async function routeMethodsOnDisk(): Promise<{ route: string; method: HttpMethod }[]> {
  const pairs: { route: string; method: HttpMethod }[] = [];
  for (const file of (await routeFiles(API_DIR)).sort()) {
    const route = path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/');
    const methods = exportedMethods(await readFile(file, 'utf8'));
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const exported = HTTP_METHODS.filter((method) => typeof module[method] === 'function');
    assert.deepEqual(methods, exported, `app/api/${route}/route: the source scan disagrees with its exports`);
    pairs.push(...methods.map((method) => ({ route, method })));
  }
  return pairs;
}

/**
 * The meta-check: every (route, method) on disk that `owns` accepts has a row, and every row names a route file
 * and method that exist (and that this file owns).
 */
export async function assertTableCoversRoutes(rows: RouteRow[], owns: (route: string) => boolean) {
  const key = (p: { route: string; method: string }) => `${p.method} /api/${p.route}`;
  const onDisk = await routeMethodsOnDisk();
  assert.ok(onDisk.length > 0, `no route files found under ${API_DIR}`);
  const wanted = onDisk.filter((p) => owns(p.route)).map(key);
  const inTable = new Set(rows.map(key));
  assert.deepEqual(
    wanted.filter((k) => !inTable.has(k)),
    [],
    'routes without a row in the route × caller table (a workbench route also goes into WORKBENCH_ROUTES)',
  );
  const existing = new Set(onDisk.map(key));
  assert.deepEqual(
    [...inTable].filter((k) => !existing.has(k) || !wanted.includes(k)),
    [],
    'rows for a route or method that does not exist, or that the other route-authorization file covers',
  );
}
