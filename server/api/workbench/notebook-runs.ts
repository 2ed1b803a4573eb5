// Commands behind a notebook's schedule and runs (issue 15 §3): who may do what is the notebook's own access (its
// owner or an admin set the schedule and press Run now; whoever may read the notebook sees its runs and downloads
// their outputs), checked under the same rules and answers as opening it (notebook-guard.ts).

import path from 'node:path';
import type { SessionUser } from '../../auth/permissions';
import { loadEnv } from '../../config/env';
import { createDeliveryDeps, deliveryTargetProblems } from '../../delivery/delivery-deps';
import {
  describeNotebookJob,
  queueNotebookRun,
  syncNotebookSchedule,
} from '../../notebook-runs/notebook-schedules';
import { createRunFolders, type RunFolders } from '../../notebook-runs/run-folders';
import {
  createScheduleSettingsStore,
  type NotebookSchedule,
  type ScheduleInput,
  type ScheduleSettingsStore,
} from '../../notebook-runs/schedule-settings';
import type { NotebookRunManifest } from '../../notebook-runs/types';
import type { VersionedNotebooks } from '../../notebooks/notebook-versions';
import { withKeyedLock } from '../../notebooks/keyed-lock';
import { validateValues } from '../../notebooks/parameters';
import type { SchedulerContext } from '../../scheduler/schedules';
import { guardNotebook, requireAccess } from './notebook-guard';
import { ApiError } from '../errors';
import { WorkbenchError } from './workbench-error';

export interface NotebookRunStores {
  settings: ScheduleSettingsStore;
  folders: RunFolders;
}

export function getNotebookRunStores(): NotebookRunStores {
  const dir = path.resolve(loadEnv().NOTEBOOKS_DIR);
  return { settings: createScheduleSettingsStore(dir), folders: createRunFolders(dir) };
}

async function checkAccess(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
  needed: 'read' | 'manage',
): Promise<void> {
  await guardNotebook(
    caller,
    (async () => requireAccess(caller, id, needed)(await notebooks.meta(id)))(),
  ).catch((error: unknown) => {
    if (error instanceof WorkbenchError && error.reason === 'NOTEBOOK_DELETED') {
      throw new WorkbenchError('NOTEBOOK_NOT_FOUND', error.message, { cause: error });
    }
    // Sharing an editable notebook does not hand over its schedule: say who may.
    if (error instanceof WorkbenchError && error.reason === 'NOTEBOOK_READ_ONLY' && needed === 'manage') {
      throw new WorkbenchError(
        'NOTEBOOK_READ_ONLY',
        `Only the notebook's owner or an admin may schedule or run notebook '${id}'`,
        { cause: error },
      );
    }
    throw error;
  });
}

export interface ScheduleView {
  schedule: NotebookSchedule | null;
  nextRunAt: string | null;
  activeRunId: string | null;
}

export async function getNotebookSchedule(
  notebooks: VersionedNotebooks,
  stores: NotebookRunStores,
  ctx: () => Promise<SchedulerContext>,
  caller: SessionUser,
  id: string,
): Promise<ScheduleView> {
  await checkAccess(notebooks, caller, id, 'read');
  const schedule = await stores.settings.read(id);
  return { schedule, ...(await describeNotebookJob(await ctx(), id)) };
}

/**
 * A schedule whose values the notebook's parameters refuse, or whose delivery leads nowhere (no such channel or
 * user, a user without an e-mail), is refused when saved rather than failing every hour.
 */
async function checkScheduleInput(
  notebooks: VersionedNotebooks,
  scheduler: SchedulerContext,
  id: string,
  input: ScheduleInput,
): Promise<void> {
  const { notebook } = await notebooks.open(id);
  const problems = [
    ...validateValues(notebook.parameters, input.parameters).map((error) => `parameters: ${error.message}`),
    ...(await deliveryTargetProblems(input.delivery, createDeliveryDeps(loadEnv(), scheduler.store.alerts))),
  ];
  if (problems.length > 0) throw new ApiError('INVALID_INPUT', problems.join('; '));
}

/** Saves the settings and the Agenda job under the notebook's lock, so two saves cannot interleave. */
export async function setNotebookSchedule(
  notebooks: VersionedNotebooks,
  stores: NotebookRunStores,
  ctx: () => Promise<SchedulerContext>,
  caller: SessionUser,
  id: string,
  input: ScheduleInput | null,
): Promise<ScheduleView> {
  await checkAccess(notebooks, caller, id, 'manage');
  const scheduler = await ctx();
  if (input !== null) await checkScheduleInput(notebooks, scheduler, id, input);
  await withKeyedLock(`notebook-schedule:${id}`, async () => {
    const before = await stores.settings.read(id);
    if (input === null) {
      if (!before) throw new WorkbenchError('NOTEBOOK_NOT_FOUND', `Notebook '${id}' has no schedule`);
      await syncNotebookSchedule(scheduler, caller.username, id, before, null);
      await stores.settings.remove(id);
      return;
    }
    const after: NotebookSchedule = {
      ...input,
      updatedBy: caller.username,
      updatedAt: scheduler.now().toISOString(),
    };
    // The job first: a refused cron never reaches the file, and a file never promises a job that is not there.
    await syncNotebookSchedule(scheduler, caller.username, id, before, after);
    await stores.settings.write(id, after);
  });
  return getNotebookSchedule(notebooks, stores, ctx, caller, id);
}

export async function runNotebookNow(
  notebooks: VersionedNotebooks,
  ctx: () => Promise<SchedulerContext>,
  caller: SessionUser,
  id: string,
): Promise<{ queued: true }> {
  await checkAccess(notebooks, caller, id, 'manage');
  await queueNotebookRun(await ctx(), caller.username, id);
  return { queued: true };
}

export async function listNotebookRuns(
  notebooks: VersionedNotebooks,
  stores: NotebookRunStores,
  caller: SessionUser,
  id: string,
): Promise<NotebookRunManifest[]> {
  await checkAccess(notebooks, caller, id, 'read');
  return stores.folders.listRuns(id);
}

export async function getNotebookRun(
  notebooks: VersionedNotebooks,
  stores: NotebookRunStores,
  caller: SessionUser,
  id: string,
  runId: string,
): Promise<NotebookRunManifest> {
  await checkAccess(notebooks, caller, id, 'read');
  const manifest = await stores.folders.readRun(id, runId);
  if (!manifest) throw new WorkbenchError('NOTEBOOK_NOT_FOUND', `Notebook '${id}' has no run ${runId}`);
  return manifest;
}

/** The local file of an output the caller may read; NOT_FOUND for an unknown run or output name. */
export async function findRunOutput(
  notebooks: VersionedNotebooks,
  stores: NotebookRunStores,
  caller: SessionUser,
  id: string,
  runId: string,
  name: string,
): Promise<string> {
  await checkAccess(notebooks, caller, id, 'read');
  const file = await stores.folders.outputPath(id, runId, name);
  if (!file)
    throw new WorkbenchError('NOTEBOOK_NOT_FOUND', `Run ${runId} of '${id}' has no output "${name}"`);
  return file;
}

/**
 * After a notebook is deleted: its schedule goes too (settings and Agenda job), so the worker does not fail an
 * hourly run of a notebook that is gone. The stored runs stay until the folder is cleaned by hand. Touches the
 * control database only when there was a schedule.
 */
export async function dropScheduleOfDeleted(
  stores: NotebookRunStores,
  ctx: () => Promise<SchedulerContext>,
  caller: SessionUser,
  id: string,
): Promise<void> {
  await withKeyedLock(`notebook-schedule:${id}`, async () => {
    const before = await stores.settings.read(id).catch(() => null);
    if (!before) return;
    await syncNotebookSchedule(await ctx(), caller.username, id, before, null);
    await stores.settings.remove(id);
  });
}
