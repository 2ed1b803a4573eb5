// Which pipelines the page lists: every pipeline with runs (most recently started first), then every
// scheduled target that has not run yet, so a new schedule shows up before its first run does.

import type { RunView, ScheduleItem } from '../_lib/control-types';

export interface PipelineGroup {
  pipeline: string;
  /** Newest first, as the runs API answers. */
  runs: RunView[];
  schedules: ScheduleItem[];
}

export function groupPipelines(runs: RunView[], schedules: ScheduleItem[]): PipelineGroup[] {
  const groups = new Map<string, PipelineGroup>();
  const group = (pipeline: string) => {
    let g = groups.get(pipeline);
    if (!g) groups.set(pipeline, (g = { pipeline, runs: [], schedules: [] }));
    return g;
  };
  for (const run of runs) group(run.pipeline).runs.push(run);
  const byTarget = [...schedules].sort((a, b) => a.target.localeCompare(b.target));
  for (const schedule of byTarget) group(schedule.target).schedules.push(schedule);
  return [...groups.values()];
}
