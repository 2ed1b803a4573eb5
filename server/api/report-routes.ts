// Logic behind /api/reports, /api/reports/<id>, the report-scoped /api/reports/<id>/snapshot,
// /api/reports/<id>/lake/<path> and /api/reports/<id>/files/<name>, and /api/notebooks/<id>/publish: validate (zod) → authorize → one command
// (server/reports/reports.ts, which checks the report's roles or the notebook's ownership) → present. The app/api
// route files only export these. Viewers need `reports:read`, never the workbench.

import { z } from 'zod';
import { authorize } from '../auth/authorize';
import { checkFileName, NOTEBOOK_FILE_MIME, NotebookFileError } from '../notebooks/notebook-files';
import { publishBodySchema } from '../reports/report-types';
import {
  getReportDeps,
  listReports,
  openReport,
  publishReport,
  publishState,
  readReportFile,
  reportFileCheck,
  reportSnapshot,
  unpublishReport,
} from '../reports/reports';
import { ApiError } from './errors';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';
import { notebookIdSchema } from './workbench/notebooks';
import { getLakeContext } from './workbench/lake-context';
import { serveLakeFile, toLakePath } from './workbench/lake-file';

interface IdParams {
  params: Promise<{ id: string }>;
}
interface ReportFileParams {
  params: Promise<{ id: string; name: string }>;
}
interface ReportLakeParams {
  params: Promise<{ id: string; path: string[] }>;
}

const idOf = async (context: IdParams) => notebookIdSchema.parse((await context.params).id);

const snapshotQuerySchema = z
  .object({
    table: z.string().min(1).max(200),
    version: z.coerce.number().int().min(0).optional(),
    timestamp: z.string().min(1).max(64).optional(),
  })
  .refine((q) => q.version === undefined || q.timestamp === undefined, 'give version or timestamp, not both');

/** GET /api/reports: the reports the caller may read, newest first. */
export const getReportList = handleRoute(async (request) => {
  const user = await authorize(request, 'reports:read');
  return jsonResponse({ reports: await listReports(getReportDeps(), user) });
});

/** GET /api/reports/<id>: the frozen notebook and the table versions it reads now. */
export const getReport = handleRoute<IdParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'reports:read');
  return jsonResponse(await openReport(getReportDeps(), user, id));
});

/**
 * GET /api/reports/<id>/snapshot?table=T[&version=N | &timestamp=S]: the snapshot one of the report's table
 * references reads (version and timestamp as its SQL writes them; a plain reference follows the report's pin),
 * with file URLs under the report's lake route.
 */
export const getReportSnapshot = handleRoute<IdParams>(async (request, context) => {
  const id = await idOf(context);
  const url = new URL(request.url);
  const query = snapshotQuerySchema.parse({
    table: url.searchParams.get('table') ?? undefined,
    version: url.searchParams.get('version') ?? undefined,
    timestamp: url.searchParams.get('timestamp') ?? undefined,
  });
  const user = await authorize(request, 'reports:read');
  return jsonResponse(await reportSnapshot(getReportDeps(), user, id, query));
});

const serveReportFile = (method: 'GET' | 'HEAD') =>
  handleRoute<ReportLakeParams>(async (request, context) => {
    const { id: rawId, path } = await context.params;
    const id = notebookIdSchema.parse(rawId);
    const lakePath = toLakePath(path);
    const user = await authorize(request, 'reports:read');
    const isServed = await reportFileCheck(getReportDeps(), user, id);
    return serveLakeFile(
      await getLakeContext(),
      {
        method,
        path: lakePath,
        range: request.headers.get('range'),
        ifNoneMatch: request.headers.get('if-none-match'),
        ifRange: request.headers.get('if-range'),
      },
      isServed,
    );
  });

/** GET|HEAD /api/reports/<id>/lake/<path>: a data file of a table version the report reads, nothing else. */
export const getReportLakeFile = serveReportFile('GET');
export const headReportLakeFile = serveReportFile('HEAD');

/** GET /api/reports/<id>/files/<name>: a file frozen with the report when it was published (its table `name`). */
export const getReportFile = handleRoute<ReportFileParams>(async (request, context) => {
  const { id: rawId, name: rawName } = await context.params;
  const id = notebookIdSchema.parse(rawId);
  let name: string;
  try {
    name = checkFileName(rawName);
  } catch (error) {
    if (!(error instanceof NotebookFileError)) throw error;
    throw new ApiError('INVALID_INPUT', error.message, { cause: error });
  }
  const user = await authorize(request, 'reports:read');
  const { file, bytes } = await readReportFile(getReportDeps(), user, id, name);
  return new Response(bytes as BodyInit, {
    headers: {
      'Content-Type': NOTEBOOK_FILE_MIME[file.format],
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': `attachment; filename="${file.name}.${file.format}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
});

/** GET /api/notebooks/<id>/publish: whether the notebook is published, and whether the caller may publish it. */
export const getPublishState = handleRoute<IdParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await publishState(getReportDeps(), user, id));
});

/** POST /api/notebooks/<id>/publish {roles?, pin?}: publish (or publish again) a frozen copy; owner or admin. */
export const postPublish = handleRoute<IdParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  const body = publishBodySchema.parse(await readJsonBody(request));
  return jsonResponse(await publishReport(getReportDeps(), user, id, body), { status: 201 });
});

/** DELETE /api/notebooks/<id>/publish: unpublish; owner or admin. The notebook stays. */
export const deletePublish = handleRoute<IdParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  await unpublishReport(getReportDeps(), user, id);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
