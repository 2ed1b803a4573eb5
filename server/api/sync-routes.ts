// Logic behind GET /api/sync/status: validate (zod) → authorize (sync:read) → one command → present as JSON
// or, for monitoring, Prometheus text. Lagging tables are still a 200 (the state says so, so a dashboard can
// show it); only an unreadable status is an error: MySQL unreachable answers 503 with a clear body.

import { z } from 'zod';
import { isSyncError } from '@/pipelines/sync';
import { authorize } from '../auth/authorize';
import { handleRoute, jsonResponse } from './handle-route';
import { formatSyncDownPrometheus, formatSyncPrometheus, PROMETHEUS_CONTENT_TYPE } from './sync-prometheus';
import { getSyncStatusReport } from './sync-status';

const formatSchema = z.enum(['json', 'prometheus']).optional();

/** `?format=` wins; otherwise a scraper asking for text/plain or OpenMetrics (and not JSON) gets Prometheus. */
export function chooseFormat(request: Request): 'json' | 'prometheus' {
  const explicit = formatSchema.parse(new URL(request.url).searchParams.get('format') ?? undefined);
  if (explicit) return explicit;
  const accept = (request.headers.get('accept') ?? '').toLowerCase();
  const wantsText = accept.includes('text/plain') || accept.includes('application/openmetrics-text');
  return wantsText && !accept.includes('application/json') ? 'prometheus' : 'json';
}

const noStore = { 'Cache-Control': 'no-store' };

export const getSyncStatus = handleRoute(async (request) => {
  const format = chooseFormat(request);
  await authorize(request, 'sync:read');
  let report;
  try {
    report = await getSyncStatusReport();
  } catch (error) {
    if (!isSyncError(error, 'MYSQL_UNREACHABLE')) throw error;
    // Not an ApiError: the catalogue has no 503, and "the target is down" is exactly what monitoring must see.
    if (format === 'prometheus') {
      return new Response(formatSyncDownPrometheus(), {
        status: 503,
        headers: { ...noStore, 'Content-Type': PROMETHEUS_CONTENT_TYPE },
      });
    }
    return jsonResponse(
      { error: { code: 'MYSQL_UNREACHABLE', message: `Sync status unavailable: ${error.message}` } },
      { status: 503 },
    );
  }
  if (format === 'prometheus') {
    return new Response(formatSyncPrometheus(report), {
      headers: { ...noStore, 'Content-Type': PROMETHEUS_CONTENT_TYPE },
    });
  }
  return jsonResponse(report);
});
