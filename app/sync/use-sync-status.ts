'use client';
// GET /api/sync/status every 10 s through the shared usePolling (paused while the tab is hidden, refreshed when it
// is shown, one request at a time, stopped by an answer a retry cannot change); the last good answer stays on
// screen when a refresh fails, with the failure beside it.

import type { SyncStatusReport } from '@/server/api/sync-status';
import { api, ApiClientError } from '../_lib/api-client';
import { usePolling } from '../_lib/use-polling';

export const REFRESH_MS = 10_000;

export interface SyncStatusState {
  report: SyncStatusReport | null;
  error: ApiClientError | null;
  loading: boolean;
  paused: boolean;
  refresh: () => void;
}

export function useSyncStatus(): SyncStatusState {
  const { data, error, loading, paused, refresh } = usePolling(
    (signal) => api.get<SyncStatusReport>('/api/sync/status', signal),
    REFRESH_MS,
    [],
  );
  return {
    report: data ?? null,
    error: !error
      ? null
      : error instanceof ApiClientError
        ? error
        : new ApiClientError(0, 'UNKNOWN', error.message),
    loading,
    paused,
    refresh,
  };
}
