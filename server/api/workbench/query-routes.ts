// Logic behind POST /api/query and /api/query/history: validate → authorize → one command → present. The
// app/api route files only export these.

import { z } from 'zod';
import { authorize } from '../../auth/authorize';
import { handleRoute, jsonResponse, readJsonBody } from '../handle-route';
import { getQueryHistory, historyEntrySchema } from './notebooks';
import { readQueryBody } from './query-upload';
import { getQueryAdmission, getQueryPool } from './query-service';

const limitSchema = z.coerce.number().int().min(1).max(500).default(100);

/**
 * POST /api/query: the server path of a cell. Native DuckDB runs the SQL over the same snapshots the browser
 * would read, in a query process of its own (query-pool.ts), and the result streams back as Arrow IPC; earlier
 * cells' named results come along as Parquet.
 */
export const postQuery = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  // A slot is taken before the body is read, so a refused query never uploads its results for nothing.
  const release = getQueryAdmission().admit(user.username);
  try {
    const { request: input, results } = await readQueryBody(request);
    const result = await getQueryPool().run({
      request: input,
      results,
      signal: request.signal,
      onSettled: release,
    });
    return new Response(result.body, {
      headers: {
        'Content-Type': 'application/vnd.apache.arrow.stream',
        'Cache-Control': 'no-store',
        'X-Snapshot-Versions': JSON.stringify(result.versions),
        'X-Row-Limit': String(input.maxRows),
      },
    });
  } catch (error) {
    release();
    throw error;
  }
});

/** GET /api/query/history[?limit=N]: the caller's recent queries, newest first. */
export const getHistoryEntries = handleRoute(async (request) => {
  const limit = limitSchema.parse(new URL(request.url).searchParams.get('limit') ?? undefined);
  const user = await authorize(request, 'workbench');
  return jsonResponse({ history: await getQueryHistory().list(user.username, limit) });
});

/** POST /api/query/history: record one run. */
export const postHistoryEntry = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  const entry = historyEntrySchema.parse(await readJsonBody(request));
  await getQueryHistory().record(user.username, { at: Date.now(), ...entry });
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
