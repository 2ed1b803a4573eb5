// Handlers of /api/notebooks/<id>/files (GET list) and /api/notebooks/<id>/files/<name> (GET, PUT, DELETE): the
// CSV, Excel and Parquet files saved with a notebook, each loaded in the browser as table <name>. Reading needs
// read access to the notebook, saving and removing edit access; a caller without access is told the notebook does
// not exist, as everywhere else. PUT takes the raw file as its body and its format as ?format=csv|xlsx|parquet.

import path from 'node:path';
import { z } from 'zod';
import { loadEnv } from '../../config/env';
import type { SessionUser } from '../../auth/permissions';
import { authorize } from '../../auth/authorize';
import { ApiError } from '../errors';
import { handleRoute, jsonResponse } from '../handle-route';
import { readBodyBytes } from '../read-body';
import {
  deleteNotebookFile,
  listNotebookFiles,
  MAX_NOTEBOOK_FILE_BYTES,
  MAX_NOTEBOOK_FILES_BYTES,
  NOTEBOOK_FILE_FORMATS,
  NOTEBOOK_FILE_MIME,
  NotebookFileError,
  readNotebookFile,
  saveNotebookFile,
} from '../../notebooks/notebook-files';
import { guardNotebook, requireAccess } from './notebook-guard';
import { getNotebooks, notebookIdSchema } from './notebooks';

type ListContext = { params: Promise<{ id: string }> };
type FileContext = { params: Promise<{ id: string; name: string }> };

const formatSchema = z.enum(NOTEBOOK_FILE_FORMATS, { message: 'format must be csv, xlsx or parquet' });

const notebooksDir = () => path.resolve(loadEnv().NOTEBOOKS_DIR);

async function requireNotebookAccess(
  caller: SessionUser,
  id: string,
  needed: 'read' | 'edit',
): Promise<void> {
  const notebooks = getNotebooks();
  await guardNotebook(caller, (async () => requireAccess(caller, id, needed)(await notebooks.meta(id)))());
}

/** The store's errors as the API's codes. */
async function guardFiles<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof NotebookFileError)) throw error;
    const code = {
      invalid: 'INVALID_INPUT',
      too_large: 'PAYLOAD_TOO_LARGE',
      not_found: 'NOT_FOUND',
    } as const;
    throw new ApiError(code[error.problem], error.message, { cause: error });
  }
}

export const listFiles = handleRoute<ListContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  await requireNotebookAccess(user, id, 'read');
  return jsonResponse({
    files: await guardFiles(listNotebookFiles(notebooksDir(), id)),
    limits: { fileBytes: MAX_NOTEBOOK_FILE_BYTES, notebookBytes: MAX_NOTEBOOK_FILES_BYTES },
  });
});

export const getFile = handleRoute<FileContext>(async (request, context) => {
  const { id: rawId, name } = await context.params;
  const id = notebookIdSchema.parse(rawId);
  const user = await authorize(request, 'workbench');
  await requireNotebookAccess(user, id, 'read');
  const { info, bytes } = await guardFiles(readNotebookFile(notebooksDir(), id, name));
  return new Response(bytes as BodyInit, {
    headers: {
      'Content-Type': NOTEBOOK_FILE_MIME[info.format],
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': `attachment; filename="${info.name}.${info.format}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
});

export const putFile = handleRoute<FileContext>(async (request, context) => {
  const { id: rawId, name } = await context.params;
  const id = notebookIdSchema.parse(rawId);
  const user = await authorize(request, 'workbench');
  const format = formatSchema.parse(new URL(request.url).searchParams.get('format') ?? undefined);
  await requireNotebookAccess(user, id, 'edit');
  const bytes = await readBodyBytes(request, MAX_NOTEBOOK_FILE_BYTES).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'PAYLOAD_TOO_LARGE')
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `A file saved with a notebook may be at most ${MAX_NOTEBOOK_FILE_BYTES / 1024 / 1024} MB. Keep it in the browser only, or upload a smaller extract.`,
        { cause: error },
      );
    throw error;
  });
  const info = await guardFiles(saveNotebookFile(notebooksDir(), id, { name, format, bytes }));
  return jsonResponse(info);
});

export const deleteFile = handleRoute<FileContext>(async (request, context) => {
  const { id: rawId, name } = await context.params;
  const id = notebookIdSchema.parse(rawId);
  const user = await authorize(request, 'workbench');
  await requireNotebookAccess(user, id, 'edit');
  await guardFiles(deleteNotebookFile(notebooksDir(), id, name));
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
