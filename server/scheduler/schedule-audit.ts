// The schedules' audit list: every admin change of a schedule (create, edit, pause, resume, delete, run now) is
// recorded in the control store with the admin's user name and the schedule's fields before → after, so "who
// paused the hourly load, and when" has an answer. Recorded after the change succeeded: a refused change changed
// nothing and leaves no entry.

import type { ScheduleAction, ScheduleChange, ScheduleFields } from '../store/types';
import type { ScheduleView, SchedulerContext } from './schedules';

/** The fields an admin can change, and what the schedule runs. */
export function scheduleFields(view: ScheduleView): ScheduleFields {
  return {
    jobType: view.jobType,
    target: view.target,
    cron: view.cron,
    timezone: view.timezone,
    paused: view.paused,
  };
}

/** pause / resume when only `paused` changed, else edit. */
export function editAction(change: { paused?: boolean; cron?: string; timezone?: string }): ScheduleAction {
  const keys = Object.keys(change).filter((key) => change[key as keyof typeof change] !== undefined);
  if (keys.length === 1 && keys[0] === 'paused') return change.paused ? 'pause' : 'resume';
  return 'edit';
}

export function auditScheduleChange(
  ctx: SchedulerContext,
  actor: string,
  schedule: string,
  action: ScheduleAction,
  before: ScheduleView | null,
  after: ScheduleView | null,
): Promise<ScheduleChange> {
  return ctx.store.recordScheduleChange({
    at: ctx.now(),
    actor,
    schedule,
    action,
    before: before ? scheduleFields(before) : null,
    after: after ? scheduleFields(after) : null,
  });
}
