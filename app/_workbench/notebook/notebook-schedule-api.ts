'use client';
// The schedule panel's calls (a notebook's schedule, Run now, stored runs), through the app's one browser client.

import type { ScheduleView } from '@/server/api/workbench/notebook-runs';
import type { NotebookRunManifest } from '@/server/notebook-runs/types';
import type { DeliverySettings } from '@/server/delivery/delivery-settings';
import type { ParameterValues } from '@/server/notebooks/parameter-types';
import { apiFetch } from '../../_lib/api-client';

export type { ScheduleView };

export interface ScheduleForm {
  cron: string;
  timezone: string;
  enabled: boolean;
  parameters: ParameterValues;
  delivery: DeliverySettings;
}

const base = (id: string) => `/api/notebooks/${encodeURIComponent(id)}`;

export const scheduleApi = {
  get: (id: string, signal?: AbortSignal) =>
    apiFetch<ScheduleView>(`${base(id)}/schedule`, signal ? { signal } : {}),
  set: (id: string, form: ScheduleForm) =>
    apiFetch<ScheduleView>(`${base(id)}/schedule`, { method: 'PUT', body: form }),
  remove: (id: string) => apiFetch<ScheduleView>(`${base(id)}/schedule`, { method: 'DELETE' }),
  runNow: (id: string) => apiFetch<{ queued: true }>(`${base(id)}/runs`, { method: 'POST' }),
  listRuns: (id: string, signal?: AbortSignal) =>
    apiFetch<{ runs: NotebookRunManifest[] }>(`${base(id)}/runs`, signal ? { signal } : {}).then(
      (r) => r.runs,
    ),
};

export const outputUrl = (id: string, runId: string, name: string, format: 'csv' | 'parquet' | 'xlsx') =>
  `${base(id)}/runs/${encodeURIComponent(runId)}/outputs/${encodeURIComponent(name)}?format=${format}`;
