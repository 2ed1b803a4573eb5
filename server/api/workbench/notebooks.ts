// Notebook commands behind /api/notebooks (list, open, create, save, rename, duplicate, delete) and the
// per-user query history behind /api/query/history.

import path from 'node:path';
import { z } from 'zod';
import { loadEnv } from '@/server/config/env';
import { CELL_KINDS } from '@/server/notebooks/cell-kinds';
import {
  createNotebookStore,
  NotebookNotFoundError,
  type NotebookStore,
} from '@/server/notebooks/notebook-store';
import { createQueryHistory, type QueryHistory } from '@/server/notebooks/query-history';
import type { Notebook, NotebookSummary } from '@/server/notebooks/types';
import { WorkbenchError } from './workbench-error';

const cellSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  kind: z.enum(CELL_KINDS),
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a cell name is a SQL identifier: letters, digits, _')
    .optional(),
  runOn: z.enum(['browser', 'server']).optional(),
  source: z.string().max(500_000),
});

export const notebookBodySchema = z.object({
  title: z.string().trim().min(1).max(200),
  parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/), z.string().max(10_000)).default({}),
  cells: z.array(cellSchema).max(500),
});

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

async function mapNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NotebookNotFoundError) {
      throw new WorkbenchError('NOTEBOOK_NOT_FOUND', error.message, { cause: error });
    }
    throw error;
  }
}

/** A fresh id for a title; retried on the (one in sixteen million) chance that it is taken. */
async function freshId(store: NotebookStore, title: string): Promise<string> {
  for (;;) {
    const id = store.newId(title);
    const taken = await store.read(id).then(
      () => true,
      (error: unknown) => {
        if (error instanceof NotebookNotFoundError) return false;
        throw error;
      },
    );
    if (!taken) return id;
  }
}

export function listNotebooks(store: NotebookStore): Promise<NotebookSummary[]> {
  return store.list();
}

export function openNotebook(store: NotebookStore, id: string): Promise<Notebook> {
  return mapNotFound(store.read(id));
}

export async function createNotebook(
  store: NotebookStore,
  input: z.infer<typeof createNotebookSchema>,
): Promise<Notebook> {
  const notebook: Notebook = {
    id: await freshId(store, input.title),
    title: input.title,
    parameters: input.parameters ?? {},
    cells: input.cells ?? [{ id: 'c1', kind: 'sql', name: 'result_1', runOn: 'browser', source: '' }],
  };
  await store.save(notebook);
  return notebook;
}

export async function saveNotebook(
  store: NotebookStore,
  id: string,
  body: z.infer<typeof notebookBodySchema>,
): Promise<NotebookSummary> {
  return store.save({ id, ...body });
}

export async function renameNotebook(store: NotebookStore, id: string, title: string): Promise<Notebook> {
  const notebook = await openNotebook(store, id);
  const renamed = { ...notebook, title };
  await store.save(renamed);
  return renamed;
}

export async function duplicateNotebook(store: NotebookStore, id: string): Promise<Notebook> {
  const source = await openNotebook(store, id);
  const title = `${source.title} (copy)`;
  const copy: Notebook = { ...source, id: await freshId(store, title), title };
  await store.save(copy);
  return copy;
}

export async function deleteNotebook(store: NotebookStore, id: string): Promise<void> {
  await mapNotFound(store.remove(id));
}
