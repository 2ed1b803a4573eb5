'use client';
// The workbench's calls to its own API, made through the app's one browser client (app/_lib/api-client.ts): the
// same CSRF header, the same ApiClientError, the same return to the login page when the session has ended.

import type { NotebookSharing } from '@/server/api/workbench/notebook-sharing';
import type { NotebookListItem, NotebookView } from '@/server/api/workbench/notebooks';
import type { TableChanges } from '@/server/api/workbench/table-changes';
import type { HistoryItem, SnapshotView, TableSummary } from '@/server/api/workbench/types';
import type { NotebookShare } from '@/server/notebooks/notebook-access';
import type { NotebookFileFormat, NotebookFileInfo } from '@/server/notebooks/notebook-files';
import type { NotebookVersionInfo } from '@/server/notebooks/notebook-versions';
import type { Notebook } from '@/server/notebooks/types';
import type { QueryHistoryEntry } from '@/server/notebooks/query-history';
import { apiFetch as request, apiRequest, type ApiRequestOptions } from '../_lib/api-client';

const json = (method: ApiRequestOptions['method'], body: unknown): ApiRequestOptions => ({ method, body });

export const api = {
  listTables: () => request<{ tables: TableSummary[] }>('/api/catalog/tables').then((r) => r.tables),
  getSnapshot: (table: string, at: { version?: number; timestamp?: string } = {}) => {
    const params = new URLSearchParams();
    if (at.version !== undefined) params.set('version', String(at.version));
    if (at.timestamp !== undefined) params.set('timestamp', at.timestamp);
    const query = params.size > 0 ? `?${params.toString()}` : '';
    return request<SnapshotView>(`/api/catalog/tables/${encodeURIComponent(table)}/snapshot${query}`);
  },
  getHistory: (table: string) =>
    request<{ history: HistoryItem[] }>(`/api/catalog/tables/${encodeURIComponent(table)}/history`).then(
      (r) => r.history,
    ),
  /** Rows changed in versions from..to (the first `limit`), with their change type. */
  getChanges: (table: string, from: number, to: number, limit = 200) =>
    request<TableChanges>(
      `/api/catalog/tables/${encodeURIComponent(table)}/changes?from=${from}&to=${to}&limit=${limit}`,
    ),
  listNotebooks: () => request<{ notebooks: NotebookListItem[] }>('/api/notebooks').then((r) => r.notebooks),
  createNotebook: (input: Partial<Pick<Notebook, 'title' | 'cells' | 'parameters'>> = {}) =>
    request<NotebookView>('/api/notebooks', json('POST', input)),
  openNotebook: (id: string) => request<NotebookView>(`/api/notebooks/${encodeURIComponent(id)}`),
  /**
   * Saves on top of `baseVersion`, the version this edit started from; the server refuses (409) a save based on an
   * older one. `keepalive` lets the save finish while the page unloads (bodies up to 64 KB).
   */
  saveNotebook: (notebook: Notebook, baseVersion: number, options: { keepalive?: boolean } = {}) =>
    request<NotebookListItem>(`/api/notebooks/${encodeURIComponent(notebook.id)}`, {
      ...json('PUT', {
        title: notebook.title,
        parameters: notebook.parameters,
        cells: notebook.cells,
        baseVersion,
      }),
      keepalive: options.keepalive,
    }),
  renameNotebook: (id: string, title: string) =>
    request<NotebookView>(`/api/notebooks/${encodeURIComponent(id)}`, json('PATCH', { title })),
  duplicateNotebook: (id: string) =>
    request<NotebookView>(`/api/notebooks/${encodeURIComponent(id)}/duplicate`, { method: 'POST' }),
  getSharing: (id: string) => request<NotebookSharing>(`/api/notebooks/${encodeURIComponent(id)}/sharing`),
  setSharing: (id: string, shares: NotebookShare[]) =>
    request<NotebookSharing>(`/api/notebooks/${encodeURIComponent(id)}/sharing`, json('PUT', { shares })),
  listVersions: (id: string) =>
    request<{ versions: NotebookVersionInfo[] }>(`/api/notebooks/${encodeURIComponent(id)}/history`).then(
      (r) => r.versions,
    ),
  restoreVersion: (id: string, version: number) =>
    request<NotebookView>(`/api/notebooks/${encodeURIComponent(id)}/history`, json('POST', { version })),
  listHistory: (limit = 50) =>
    request<{ history: QueryHistoryEntry[] }>(`/api/query/history?limit=${limit}`).then((r) => r.history),
  recordHistory: (entry: Omit<QueryHistoryEntry, 'at'>) =>
    request<void>('/api/query/history', json('POST', entry)),
  restoreTable: (table: string, version: number) =>
    request<{ table: string; restoredVersion: number; newVersion: number; pipelines: { nextRun: string }[] }>(
      `/api/catalog/tables/${encodeURIComponent(table)}/restore`,
      json('POST', { version }),
    ),
  listNotebookFiles: (id: string) =>
    request<{ files: NotebookFileInfo[]; limits: { fileBytes: number; notebookBytes: number } }>(
      `/api/notebooks/${encodeURIComponent(id)}/files`,
    ),
  getNotebookFile: async (id: string, name: string) =>
    new Uint8Array(
      await (
        await apiRequest(`/api/notebooks/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`)
      ).arrayBuffer(),
    ),
  saveNotebookFile: (id: string, name: string, format: NotebookFileFormat, bytes: Uint8Array) =>
    request<NotebookFileInfo>(
      `/api/notebooks/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}?format=${format}`,
      { method: 'PUT', blob: new Blob([bytes as BlobPart], { type: 'application/octet-stream' }) },
    ),
  deleteNotebookFile: (id: string, name: string) =>
    request<void>(`/api/notebooks/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`, {
      method: 'DELETE',
    }),
  deleteNotebook: (id: string) =>
    request<void>(`/api/notebooks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export interface ServerQueryInput {
  sql: string;
  tables: { view: string; table: string; version?: number; timestamp?: string }[];
  maxRows: number;
}

/**
 * POST /api/query: the Arrow IPC stream bytes of the server path and the snapshot version of each view. Named
 * results the SQL selects from go along as Parquet files in a multipart body (server/api/workbench/query-upload.ts).
 */
export async function runOnServer(
  input: ServerQueryInput,
  signal: AbortSignal,
  results: { name: string; parquet: Uint8Array }[] = [],
): Promise<{ bytes: Uint8Array; versions: Record<string, number> }> {
  let form: FormData | undefined;
  if (results.length > 0) {
    form = new FormData();
    form.set('request', JSON.stringify(input));
    for (const result of results) {
      const blob = new Blob([result.parquet as Uint8Array<ArrayBuffer>], {
        type: 'application/vnd.apache.parquet',
      });
      form.set(`result:${result.name}`, blob, `${result.name}.parquet`);
    }
  }
  const response = await apiRequest('/api/query', {
    method: 'POST',
    ...(form ? { form } : { body: input }),
    signal,
  });
  let versions: Record<string, number> = {};
  try {
    versions = JSON.parse(response.headers.get('X-Snapshot-Versions') ?? '{}') as Record<string, number>;
  } catch {
    // Only shown next to the result; a malformed header must not lose the rows.
  }
  return { bytes: new Uint8Array(await response.arrayBuffer()), versions };
}
