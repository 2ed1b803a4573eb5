'use client';
// The reports' calls to their API, through the app's one browser client (app/_lib/api-client.ts).

import type { SnapshotView } from '@/server/api/workbench/types';
import type { PublishBody, ReportSummary, ReportView } from '@/server/reports/report-types';
import { apiFetch as request, apiRequest } from '../_lib/api-client';

const notebookPath = (id: string) => `/api/notebooks/${encodeURIComponent(id)}/publish`;

export const reportApi = {
  listReports: () => request<{ reports: ReportSummary[] }>('/api/reports').then((r) => r.reports),
  getReport: (id: string) => request<ReportView>(`/api/reports/${encodeURIComponent(id)}`),
  /** The snapshot of one table reference of the report, version and timestamp as its SQL writes them. */
  getSnapshot: (id: string, ref: { table: string; version?: number; timestamp?: string }) => {
    const params = new URLSearchParams({ table: ref.table });
    if (ref.version !== undefined) params.set('version', String(ref.version));
    if (ref.timestamp !== undefined) params.set('timestamp', ref.timestamp);
    return request<SnapshotView>(`/api/reports/${encodeURIComponent(id)}/snapshot?${params.toString()}`);
  },
  /** The bytes of a file frozen with the report. */
  getFile: async (id: string, name: string) =>
    new Uint8Array(
      await (
        await apiRequest(`/api/reports/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`)
      ).arrayBuffer(),
    ),
  publishState: (notebookId: string) =>
    request<{ report: ReportSummary | null; canPublish: boolean }>(notebookPath(notebookId)),
  publish: (notebookId: string, body: PublishBody) =>
    request<ReportSummary>(notebookPath(notebookId), { method: 'POST', body }),
  unpublish: (notebookId: string) => request<void>(notebookPath(notebookId), { method: 'DELETE' }),
};
