// The worker's runner of `notebook.run`: opens the notebook named by the target `notebook:<id>`, reads its schedule
// settings (parameter values, delivery), runs it (run-notebook.ts) with the run's signal, progress and log, names
// the Delta tables read as the run's lineage inputs, then hands the published run to the injected `deliver` hook
// and records what delivery did in the manifest. A failed notebook fails the run record, without retries: a retry
// would read the same snapshot with the same SQL.

import { createDuckDbSession } from '@/pipelines/engine/duckdb-session';
import type { LakeStorage } from '@/pipelines/lake/storage';
import type { DeliverySettings } from '../delivery/delivery-settings';
import { deliverySettingsSchema } from '../delivery/delivery-settings';
import { createNotebookStore, NotebookNotFoundError } from '../notebooks/notebook-store';
import { createVersionedNotebooks, NotebookDeletedError } from '../notebooks/notebook-versions';
import { PermanentRunError, type JobRunner } from '../scheduler/runner-types';
import { notebookIdOfTarget } from './notebook-schedules';
import { createRunFolders } from './run-folders';
import { runNotebook, type NotebookRunLimits } from './run-notebook';
import { createScheduleSettingsStore } from './schedule-settings';
import type { NotebookRunManifest } from './types';

/**
 * Sends a finished run's results (e-mail, webhook) and says what it did, one line per target; a failed run
 * notifies the owner. The integrator passes delivery's deliverNotebookRun (server/delivery/deliver-run.ts).
 */
export type DeliverRun = (
  manifest: NotebookRunManifest,
  settings: DeliverySettings,
  owner: string | null,
) => Promise<NotebookRunManifest['delivery']>;

export interface NotebookJobOptions {
  storage: LakeStorage;
  notebooksDir: string;
  limits?: Partial<NotebookRunLimits>;
  /** Default: none (nothing is sent). */
  deliver?: DeliverRun;
}

export function createNotebookJobRunner(options: NotebookJobOptions): JobRunner {
  const notebooks = createVersionedNotebooks(createNotebookStore(options.notebooksDir), options.notebooksDir);
  const settingsStore = createScheduleSettingsStore(options.notebooksDir);
  const folders = createRunFolders(options.notebooksDir);
  return async (context) => {
    const id = notebookIdOfTarget(context.target);
    if (id === null)
      throw new PermanentRunError(`"${context.target}" is not a notebook target (notebook:<id>)`);
    const opened = await notebooks.open(id).catch((error: unknown) => {
      if (error instanceof NotebookNotFoundError || error instanceof NotebookDeletedError) {
        throw new PermanentRunError(`Notebook '${id}' does not exist (any more); remove its schedule`);
      }
      throw error;
    });
    const settings = await settingsStore.read(id);
    const owner = opened.meta.owner;
    const requestedBy = context.options.requestedBy;
    // Snapshot loading reads checkpoints with DuckDB: a small session of its own, apart from the run's.
    const duckdb = await createDuckDbSession({ threads: 1, memoryLimit: '256MB' });
    let result: Awaited<ReturnType<typeof runNotebook>>;
    try {
      result = await runNotebook(
        {
          lake: { storage: options.storage, duckdb },
          folders,
          notebooksDir: options.notebooksDir,
          ...(options.limits ? { limits: options.limits } : {}),
          signal: context.signal,
          log: (level, message) => context.log(level, message),
          progress: (progress) => context.progress({ ...progress }),
        },
        {
          notebook: opened.notebook,
          trigger: context.trigger === 'manual' && requestedBy ? { user: requestedBy } : 'schedule',
          parameters: settings?.parameters ?? {},
        },
      );
    } finally {
      duckdb.close();
    }
    const { manifest, inputs } = result;
    context.declareLineage({ inputs });
    await context.progress({ notebookRun: manifest.runId, outputs: manifest.outputs.length });
    if (options.deliver) {
      const delivery = settings?.delivery ?? deliverySettingsSchema.parse({});
      try {
        manifest.delivery = await options.deliver(manifest, delivery, owner);
        await folders.updateManifest(manifest);
        for (const line of manifest.delivery) {
          await context.log(line.ok ? 'info' : 'warn', `delivery ${line.target}: ${line.detail}`);
        }
      } catch (error) {
        await context.log('error', `delivery failed: ${(error as Error).message}`);
      }
    }
    if (manifest.status === 'failed') {
      throw Object.assign(new Error(manifest.error ?? 'The notebook run failed'), {
        retryable: false,
        code: 'NOTEBOOK_RUN_FAILED',
      });
    }
    await context.log('info', `run ${manifest.runId}: ${manifest.outputs.length} output(s) stored`);
    return { lineage: { inputs } };
  };
}
