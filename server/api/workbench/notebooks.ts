// Notebook commands behind /api/notebooks (list, open, create, save, rename, duplicate, delete) and the
// per-user query history behind /api/query/history. Each takes the caller (from the session, never the body) and
// checks their access to the notebook (notebook-access.ts) inside the notebook's lock.

import path from 'node:path';
import { z } from 'zod';
import { loadEnv } from '../../config/env';
import type { SessionUser } from '../../auth/permissions';
import { CELL_KINDS } from '../../notebooks/cell-kinds';
import { CELL_DISPLAYS, CHART_KINDS, CHART_LIMITS } from '../../notebooks/chart-settings';
import { accessOf, canRead, type NotebookAccess, type NotebookShare } from '../../notebooks/notebook-access';
import { createNotebookStore, type NotebookStore } from '../../notebooks/notebook-store';
import {
  createVersionedNotebooks,
  NotebookIdTakenError,
  type NotebookMeta,
  type VersionedNotebooks,
} from '../../notebooks/notebook-versions';
import {
  legacyParameterDefs,
  parameterDefShapeProblem,
  PARAMETER_NAME,
} from '../../notebooks/parameter-defs';
import { PARAMETER_TYPES } from '../../notebooks/parameter-types';
import { createQueryHistory, type QueryHistory } from '../../notebooks/query-history';
import type { Notebook, NotebookSummary } from '../../notebooks/types';
import { guardNotebook, requireAccess } from './notebook-guard';
import { WorkbenchError } from './workbench-error';

const chartColumn = z.string().min(1).max(CHART_LIMITS.columnName);

/** The saved chart of a cell; the same rules as parseChartSettings, which reads it back from the file. */
export const chartSettingsSchema = z
  .object({
    kind: z.enum(CHART_KINDS),
    x: chartColumn,
    y: z.array(chartColumn).max(CHART_LIMITS.yColumns),
    series: chartColumn.optional(),
    title: z.string().max(CHART_LIMITS.title).optional(),
  })
  .strict();

const cellSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  kind: z.enum(CELL_KINDS),
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a cell name is a SQL identifier: letters, digits, _')
    .optional(),
  runOn: z.enum(['auto', 'browser', 'server']).optional(),
  collapsed: z.boolean().optional(),
  display: z.enum(CELL_DISPLAYS).optional(),
  chart: chartSettingsSchema.optional(),
  source: z.string().max(500_000),
});

const parameterValueSchema = z.union([
  z.string().max(10_000),
  z.number().finite(),
  z.array(z.string().max(10_000)).max(1_000),
  z.object({ from: z.string().max(10), to: z.string().max(10) }),
  z.null(),
]);

// Structure only: whether a default is a real date or one of the options is checked when values bind, so an
// autosave in the middle of editing a parameter is not refused.
const parameterDefSchema = z
  .object({
    name: z.string().regex(PARAMETER_NAME, 'a parameter name is a SQL identifier: letters, digits, _'),
    type: z.enum(PARAMETER_TYPES),
    label: z.string().max(200).optional(),
    default: parameterValueSchema.optional(),
    required: z.boolean().optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    options: z.array(z.string().max(1_000)).max(1_000).optional(),
    optionsQuery: z.string().max(10_000).optional(),
  })
  .superRefine((def, context) => {
    const problem = parameterDefShapeProblem(def);
    if (problem) context.addIssue({ code: 'custom', path: ['default'], message: problem });
  });

export const parameterDefsSchema = z.preprocess(
  // Clients from before typed parameters send {name: value}: converted as the file reader converts old headers.
  (value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? legacyParameterDefs(value as Record<string, unknown>)
      : value,
  z
    .array(parameterDefSchema)
    .max(100)
    .superRefine((defs, context) => {
      defs.forEach((def, index) => {
        if (defs.findIndex((other) => other.name === def.name) !== index) {
          context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${def.name}" is used twice` });
        }
      });
    }),
);

export const notebookBodySchema = z.object({
  title: z.string().trim().min(1).max(200),
  parameters: parameterDefsSchema.default([]),
  cells: z.array(cellSchema).max(500),
});

/** A save names the version it was based on; a save based on an older one is refused (409), never merged. */
export const saveNotebookSchema = notebookBodySchema.extend({ baseVersion: z.number().int().min(1) });

export const createNotebookSchema = notebookBodySchema.partial({ cells: true }).extend({
  title: z.string().trim().min(1).max(200).default('Untitled notebook'),
});

export const notebookIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a notebook id');

export function getNotebookStore(): NotebookStore {
  return createNotebookStore(path.resolve(loadEnv().NOTEBOOKS_DIR));
}

export function getQueryHistory(): QueryHistory {
  return createQueryHistory(path.resolve(loadEnv().NOTEBOOKS_DIR));
}

export const historyEntrySchema = z.object({
  sql: z.string().min(1).max(200_000),
  runOn: z.enum(['browser', 'server']),
  notebookId: z.string().max(64).optional(),
  cellName: z.string().max(63).optional(),
  elapsedMs: z.number().min(0).optional(),
  rows: z.number().int().min(0).optional(),
  error: z.string().max(2_000).optional(),
});

/** A notebook as the API returns it: its content, the version a save must be based on, and the caller's access. */
export type NotebookView = Notebook & NotebookStanding;
export type NotebookListItem = NotebookSummary & NotebookStanding;
export interface NotebookStanding {
  version: number;
  owner: string | null;
  shares: NotebookShare[];
  access: NotebookAccess;
}

const standing = (meta: NotebookMeta, caller: SessionUser): NotebookStanding => ({
  version: meta.version,
  owner: meta.owner,
  shares: meta.shares,
  access: accessOf(meta, caller),
});

export function getNotebooks(): VersionedNotebooks {
  const dir = path.resolve(loadEnv().NOTEBOOKS_DIR);
  return createVersionedNotebooks(createNotebookStore(dir), dir);
}

/** Only the notebooks the caller may read, newest first. */
export async function listNotebooks(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
): Promise<NotebookListItem[]> {
  return (await notebooks.list()).flatMap(({ summary, meta }) =>
    canRead(meta, caller) ? [{ ...summary, ...standing(meta, caller) }] : [],
  );
}

export function openNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
): Promise<NotebookView> {
  return guardNotebook(
    caller,
    (async () => {
      const meta = await notebooks.meta(id);
      requireAccess(caller, id, 'read')(meta);
      const opened = await notebooks.open(id);
      return { ...opened.notebook, ...standing(opened.meta, caller) };
    })(),
  ).catch((error: unknown) => {
    // Opening a deleted notebook is simply not found; the deletion itself is told to those who try to save it.
    if (error instanceof WorkbenchError && error.reason === 'NOTEBOOK_DELETED') {
      throw new WorkbenchError('NOTEBOOK_NOT_FOUND', error.message, { cause: error });
    }
    throw error;
  });
}

/** A new notebook owned by the caller, under a fresh id (tombstones included, so a deleted id never comes back). */
export async function createNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  input: z.infer<typeof createNotebookSchema>,
): Promise<NotebookView> {
  for (;;) {
    const notebook: Notebook = {
      id: notebooks.newId(input.title),
      title: input.title,
      parameters: input.parameters ?? [],
      cells: input.cells ?? [{ id: 'c1', kind: 'sql', name: 'result_1', runOn: 'auto', source: '' }],
    };
    try {
      const meta = await notebooks.create(notebook, caller.username);
      return { ...notebook, ...standing(meta, caller) };
    } catch (error) {
      // One chance in sixteen million per try: draw another id.
      if (!(error instanceof NotebookIdTakenError)) throw error;
    }
  }
}

export async function saveNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
  body: z.infer<typeof saveNotebookSchema>,
): Promise<NotebookListItem> {
  const { baseVersion, ...content } = body;
  const notebook = { id, ...content };
  const meta = await guardNotebook(
    caller,
    notebooks.save(notebook, baseVersion, caller.username, requireAccess(caller, id, 'edit')),
  );
  return {
    id,
    title: notebook.title,
    updatedAt: meta.updatedAt,
    cellCount: notebook.cells.length,
    ...standing(meta, caller),
  };
}

/** Renames the current version (a new version); from the list, which holds no editor state to conflict with. */
export async function renameNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
  title: string,
): Promise<NotebookView> {
  const opened = await openNotebook(notebooks, caller, id);
  const renamed: Notebook = { id, title, parameters: opened.parameters, cells: opened.cells };
  const meta = await guardNotebook(
    caller,
    notebooks.save(renamed, opened.version, caller.username, requireAccess(caller, id, 'edit')),
  );
  return { ...renamed, ...standing(meta, caller) };
}

/** A copy the caller owns, of a notebook they may read; shares are not copied. */
export async function duplicateNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
): Promise<NotebookView> {
  const source = await openNotebook(notebooks, caller, id);
  return createNotebook(notebooks, caller, {
    title: `${source.title} (copy)`,
    parameters: source.parameters,
    cells: source.cells,
  });
}

/** Owner or admin only; leaves a tombstone so no other tab's autosave brings the notebook back. */
export async function deleteNotebook(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
): Promise<void> {
  await guardNotebook(caller, notebooks.remove(id, caller.username, requireAccess(caller, id, 'manage')));
}
