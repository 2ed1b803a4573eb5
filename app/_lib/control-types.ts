// The control plane's answers as the browser receives them: the server's types with every Date turned into
// the ISO string JSON carries. Types only (app/ may import nothing else from server/).

import type { LineageDatasetView } from '@/server/api/lineage-datasets';
import type { Permission } from '@/server/auth/permissions';
import type { JobType } from '@/server/scheduler/runner-types';
import type { ScheduleView } from '@/server/scheduler/schedules';
import type { LineageGraph, RunLogLine, RunRecord, RunStatus, ScheduleChange } from '@/server/store/types';

/** What JSON.stringify makes of T: Dates become strings, recursively. */
export type Serialized<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Date
    ? string
    : T extends (infer U)[]
      ? Serialized<U>[]
      : T extends object
        ? { [K in keyof T]: Serialized<T[K]> }
        : T;

export type RunView = Serialized<RunRecord>;
export type RunLogView = Serialized<RunLogLine>;
export type ScheduleItem = Serialized<ScheduleView>;
export type ScheduleChangeView = Serialized<ScheduleChange>;
export type LineageGraphView = Serialized<LineageGraph>;
export type LineageNodeView = LineageGraphView['nodes'][number];
export type { JobType, LineageDatasetView, Permission, RunStatus };

export interface CurrentUser {
  username: string;
  roles: string[];
  permissions: Permission[];
}

// Written out because app/ may not import server values; `satisfies` makes tsc refuse a list that drifts
// from the server's JobType.
export const JOB_TYPE_OPTIONS = [
  { value: 'pipeline.run', label: 'Pipeline run (extract → Delta → MySQL sync)' },
  { value: 'sync.run', label: 'MySQL sync only' },
  { value: 'delta.maintenance', label: 'Delta maintenance (checkpoint, optimize, vacuum)' },
  { value: 'pipeline.reconcile', label: 'Reconcile (compare source and Delta by checksums)' },
] as const satisfies readonly { value: JobType; label: string }[];
