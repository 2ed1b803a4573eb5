// A scheduled (or manual) server-side run of a notebook, as stored next to its outputs in
// NOTEBOOKS_DIR/.meta/runs/<notebookId>/<runId>/manifest.json (issue 15). Shared by the runner, delivery,
// the API and the browser (types only).

import type { ParameterValues } from '../notebooks/parameter-types';

export type NotebookRunStatus = 'running' | 'succeeded' | 'failed';

export interface NotebookRunOutput {
  /** The cell's result name (its `name`, else the cell id). */
  name: string;
  cellId: string;
  /** File name inside the run's folder: <name>.parquet. */
  file: string;
  rows: number;
  bytes: number;
  columns: { name: string; type: string }[];
}

export interface NotebookRunManifest {
  notebookId: string;
  runId: string;
  title: string;
  status: NotebookRunStatus;
  /** 'schedule' (the worker), or the user who pressed Run now. */
  trigger: 'schedule' | { user: string };
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  parameters: ParameterValues;
  /** Every Delta table the run read, at the version it was pinned to before the first cell ran. */
  versions: Record<string, number>;
  outputs: NotebookRunOutput[];
  error: string | null;
  /** What delivery did: one line per target ("sent to a@b.org", "webhook ops: HTTP 500 …"). */
  delivery: { target: string; ok: boolean; detail: string }[];
}
