// Scheduled notebooks' runs share the runs list with pipelines under the target `notebook:<id>`
// (server/notebook-runs/notebook-schedules.ts): the page names them as notebooks and links to them, and leaves out
// the pipeline-only actions (reconcile, reload).

const PREFIX = 'notebook:';

/** The notebook id of a run's target, or null for a pipeline. */
export function notebookOfTarget(target: string): string | null {
  return target.startsWith(PREFIX) ? target.slice(PREFIX.length) : null;
}

export const notebookHref = (id: string) => `/workbench/${encodeURIComponent(id)}`;
