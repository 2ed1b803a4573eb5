// Handlers of a notebook's schedule and runs: /api/notebooks/<id>/schedule (GET, PUT, DELETE), /runs (GET list,
// POST run now), /runs/<runId> (GET) and /runs/<runId>/outputs/<name>?format=csv|parquet|xlsx (GET). Validate →
// authorize (workbench permission, then the notebook's own access in the command) → one command → present.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { authorize } from '../../auth/authorize';
import { openConversionSession, parquetToXlsx, XLSX_MAX_ROWS } from '../../delivery/output-files';
import {
  CONTENT_TYPES,
  OUTPUT_FORMATS,
  parquetToCsv,
  type OutputFormat,
} from '../../notebook-runs/output-file';
import { RUN_ID } from '../../notebook-runs/run-folders';
import { scheduleInputSchema } from '../../notebook-runs/schedule-settings';
import { getControlPlane } from '../control-plane';
import { handleRoute, jsonResponse, readJsonBody } from '../handle-route';
import {
  findRunOutput,
  getNotebookRun,
  getNotebookRunStores,
  getNotebookSchedule,
  listNotebookRuns,
  runNotebookNow,
  setNotebookSchedule,
} from './notebook-runs';
import { getNotebooks, notebookIdSchema } from './notebooks';

type IdContext = { params: Promise<{ id: string }> };
type RunContext = { params: Promise<{ id: string; runId: string }> };
type OutputContext = { params: Promise<{ id: string; runId: string; name: string }> };

const runIdSchema = z.string().regex(RUN_ID, 'not a run id');
const outputNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'not an output name');
const formatSchema = z.enum(OUTPUT_FORMATS, { message: 'format is csv, parquet or xlsx' });

export const getSchedule = handleRoute<IdContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse(
    await getNotebookSchedule(getNotebooks(), getNotebookRunStores(), getControlPlane, user, id),
  );
});

export const putSchedule = handleRoute<IdContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  const input = scheduleInputSchema.parse(await readJsonBody(request));
  return jsonResponse(
    await setNotebookSchedule(getNotebooks(), getNotebookRunStores(), getControlPlane, user, id, input),
  );
});

export const deleteSchedule = handleRoute<IdContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse(
    await setNotebookSchedule(getNotebooks(), getNotebookRunStores(), getControlPlane, user, id, null),
  );
});

export const getRuns = handleRoute<IdContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse({ runs: await listNotebookRuns(getNotebooks(), getNotebookRunStores(), user, id) });
});

export const postRun = handleRoute<IdContext>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await runNotebookNow(getNotebooks(), getControlPlane, user, id), { status: 202 });
});

export const getRun = handleRoute<RunContext>(async (request, context) => {
  const params = await context.params;
  const id = notebookIdSchema.parse(params.id);
  const runId = runIdSchema.parse(params.runId);
  const user = await authorize(request, 'workbench');
  return jsonResponse({
    run: await getNotebookRun(getNotebooks(), getNotebookRunStores(), user, id, runId),
  });
});

export const getRunOutput = handleRoute<OutputContext>(async (request, context) => {
  const params = await context.params;
  const id = notebookIdSchema.parse(params.id);
  const runId = runIdSchema.parse(params.runId);
  const name = outputNameSchema.parse(params.name);
  const format = formatSchema.parse(new URL(request.url).searchParams.get('format') ?? 'csv');
  const user = await authorize(request, 'workbench');
  const file = await findRunOutput(getNotebooks(), getNotebookRunStores(), user, id, runId, name);
  if (format === 'xlsx') {
    const session = await openConversionSession();
    let xlsx: Uint8Array | null;
    try {
      xlsx = await parquetToXlsx(session, file, name);
    } finally {
      session.close();
    }
    if (!xlsx) {
      return jsonResponse(
        {
          error: {
            code: 'TOO_LARGE_FOR_EXCEL',
            message: `This output has more rows than an Excel sheet holds (${XLSX_MAX_ROWS.toLocaleString('en-US')}); download CSV or Parquet`,
          },
        },
        { status: 413 },
      );
    }
    return download(xlsx, format, `${id}-${runId}-${name}`);
  }
  const bytes = format === 'csv' ? await parquetToCsv(file) : await readFile(file);
  return download(bytes, format, `${id}-${runId}-${name}`);
});

function download(bytes: Uint8Array, format: OutputFormat, baseName: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': `attachment; filename="${baseName}.${format}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
