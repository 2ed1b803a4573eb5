// Report commands behind /api/reports and /api/notebooks/<id>/publish: publish (a frozen copy of the notebook,
// owner or admin), unpublish, list and open (viewers whose role the report allows), and the report-scoped
// snapshot and lake-file checks that let a viewer without the workbench read exactly the table versions the
// report reads, and the files frozen with it. A report the caller may not read is answered like an unknown one
// (404), so ids cannot be probed.

import path from 'node:path';
import type { SessionUser } from '../auth/permissions';
import { loadEnv } from '../config/env';
import { getNotebooks } from '../api/workbench/notebooks';
import { guardNotebook, requireAccess } from '../api/workbench/notebook-guard';
import { openSnapshot } from '../api/workbench/catalog';
import { describeSnapshot } from '../api/workbench/describe-snapshot';
import { getLakeContext, type LakeContext } from '../api/workbench/lake-context';
import type { SnapshotView } from '../api/workbench/types';
import { WorkbenchError } from '../api/workbench/workbench-error';
import { ApiError } from '../api/errors';
import { listDeltaTables } from '@/pipelines/definition/table-roots';
import { withKeyedLock } from '../notebooks/keyed-lock';
import type { VersionedNotebooks } from '../notebooks/notebook-versions';
import { createReportFileStore, type ReportFileStore } from './report-files';
import { createReportStore, type ReportStore } from './report-store';
import {
  fixPin,
  PinError,
  refKey,
  reportTableRefs,
  resolveReads,
  resolveRef,
  type TableReadRef,
  type VersionOf,
} from './resolve-pin';
import type { PublishBody, Report, ReportFile, ReportSummary, ReportView } from './report-types';

export interface ReportDeps {
  reports: ReportStore;
  files: ReportFileStore;
  notebooks: VersionedNotebooks;
  lake(): Promise<LakeContext>;
}

export function getReportDeps(): ReportDeps {
  const notebooksDir = path.resolve(loadEnv().NOTEBOOKS_DIR);
  return {
    reports: createReportStore(notebooksDir),
    files: createReportFileStore(notebooksDir),
    notebooks: getNotebooks(),
    lake: getLakeContext,
  };
}

/** Admins, the notebook's owner, and callers holding a role the report allows. */
export function canReadReport(report: Report, caller: SessionUser): boolean {
  if (caller.roles.includes('admin')) return true;
  if (report.owner !== null && report.owner === caller.username) return true;
  return caller.roles.some((role) => report.roles.includes(role));
}

const notFound = (id: string) => new WorkbenchError('NOTEBOOK_NOT_FOUND', `No report '${id}'`);

async function readableReport(deps: ReportDeps, caller: SessionUser, id: string): Promise<Report> {
  const report = await deps.reports.read(id);
  if (!report || !canReadReport(report, caller)) throw notFound(id);
  return report;
}

const versionOfIn =
  (context: LakeContext): VersionOf =>
  async (table, at) =>
    (await openSnapshot(context, table, at)).version;

async function catalogTables(context: LakeContext): Promise<string[]> {
  return (await listDeltaTables(context.storage)).map((table) => table.name);
}

/**
 * Lake tables less the names of files frozen with the report: its SQL means the file by such a name (the browser
 * loads it as a table), even when a lake table of that name appears after the file was uploaded.
 */
function lakeTablesBeside(tables: readonly string[], files: readonly ReportFile[]): string[] {
  const fileNames = new Set(files.map((file) => file.name.toLowerCase()));
  return tables.filter((table) => !fileNames.has(table.toLowerCase()));
}

/** The reads of a report: its frozen SQL's table references (the tables are those the report knew). */
function refsOf(report: Report, tables: readonly string[]): TableReadRef[] {
  return reportTableRefs(report.notebook, lakeTablesBeside(tables, report.files));
}

/** Tables named by a report: those the catalog had when it was published, kept with the pin's reads. */
async function tablesOf(context: LakeContext, report: Report): Promise<string[]> {
  return catalogTables(context).catch(() =>
    report.pin.kind === 'versions' ? Object.keys(report.pin.versions) : [],
  );
}

export async function publishReport(
  deps: ReportDeps,
  caller: SessionUser,
  id: string,
  body: PublishBody,
): Promise<ReportSummary> {
  const meta = await guardNotebook(caller, deps.notebooks.meta(id));
  requireAccess(caller, id, 'manage')(meta);
  const opened = await guardNotebook(caller, deps.notebooks.open(id));
  const context = await deps.lake();
  // One publication of a report at a time: each removes the file folders of the others once its record is written.
  return withKeyedLock(`report:${id}`, async () => {
    // A record that cannot be read any more is replaced like a missing one (its files with it).
    const previous = await deps.reports.read(id).catch(() => null);
    const frozen = await deps.files.freeze(id);
    let report: Report;
    try {
      const refs = reportTableRefs(
        opened.notebook,
        lakeTablesBeside(await catalogTables(context), frozen.files),
      );
      let pin;
      try {
        pin = await fixPin(body.pin, refs, versionOfIn(context));
      } catch (error) {
        if (error instanceof PinError) throw new ApiError('INVALID_INPUT', error.message);
        throw error;
      }
      report = {
        id,
        notebook: opened.notebook,
        owner: opened.meta.owner,
        publishedBy: caller.username,
        publishedAt: Date.now(),
        notebookVersion: opened.meta.version,
        // Order as given, each once.
        roles: [...new Set(body.roles)],
        pin,
        files: frozen.files,
        ...(frozen.folder ? { filesFolder: frozen.folder } : {}),
      };
      await deps.reports.write(report);
    } catch (error) {
      // The report published before (if any) stays as it was, with its own files.
      if (frozen.folder) await deps.files.prune(id, previous?.filesFolder ?? null);
      throw error;
    }
    // The previous publication's files, no longer named by any record.
    await deps.files.prune(id, frozen.folder).catch((error: unknown) => {
      console.error(`[reports] cannot remove the old files of report ${id}:`, error);
    });
    return summaryOf(report);
  });
}

export async function unpublishReport(deps: ReportDeps, caller: SessionUser, id: string): Promise<void> {
  const meta = await guardNotebook(caller, deps.notebooks.meta(id));
  requireAccess(caller, id, 'manage')(meta);
  await withKeyedLock(`report:${id}`, async () => {
    // The record first, so no reader is left with a report whose files are gone.
    const removed = await deps.reports.remove(id);
    await deps.files.prune(id, null);
    if (!removed) throw notFound(id);
  });
}

/** The publish state of a notebook the caller may read (for the notebook page's Publish panel). */
export async function publishState(
  deps: ReportDeps,
  caller: SessionUser,
  id: string,
): Promise<{ report: ReportSummary | null; canPublish: boolean }> {
  const meta = await guardNotebook(caller, deps.notebooks.meta(id));
  requireAccess(caller, id, 'read')(meta);
  const report = await deps.reports.read(id);
  let canPublish = true;
  try {
    requireAccess(caller, id, 'manage')(meta);
  } catch {
    canPublish = false;
  }
  return { report: report ? summaryOf(report) : null, canPublish };
}

const summaryOf = (report: Report): ReportSummary => ({
  id: report.id,
  title: report.notebook.title,
  publishedBy: report.publishedBy,
  publishedAt: report.publishedAt,
  roles: report.roles,
  pin: report.pin,
});

export async function listReports(deps: ReportDeps, caller: SessionUser): Promise<ReportSummary[]> {
  return (await deps.reports.list())
    .filter((report) => canReadReport(report, caller))
    .sort((a, b) => b.publishedAt - a.publishedAt)
    .map(summaryOf);
}

export async function openReport(deps: ReportDeps, caller: SessionUser, id: string): Promise<ReportView> {
  const report = await readableReport(deps, caller, id);
  const context = await deps.lake();
  const tables = await tablesOf(context, report);
  const refs = refsOf(report, tables);
  const reads = await resolveReads(refs, report.pin, versionOfIn(context));
  rememberReads(
    report,
    await Promise.all(reads.map((read) => snapshotOf(context, read.table, read.version))),
  );
  return {
    id: report.id,
    title: report.notebook.title,
    notebook: report.notebook,
    publishedBy: report.publishedBy,
    publishedAt: report.publishedAt,
    roles: report.roles,
    pin: report.pin,
    tables: [...new Set(refs.map((ref) => ref.table))],
    reads,
    files: report.files,
    canManage: caller.roles.includes('admin') || (report.owner !== null && report.owner === caller.username),
  };
}

/**
 * One file frozen with a report, for a caller who may read the report; an unknown name is 404 like an unknown
 * report. The record names the publication's folder, so this is always a file of the set the record lists.
 */
export async function readReportFile(
  deps: ReportDeps,
  caller: SessionUser,
  id: string,
  name: string,
): Promise<{ file: ReportFile; bytes: Uint8Array }> {
  const report = await readableReport(deps, caller, id);
  const file = report.files.find((candidate) => candidate.name === name);
  if (!file || !report.filesFolder)
    throw new WorkbenchError('FILE_NOT_FOUND', `Report '${id}' has no file '${name}'`);
  return { file, bytes: await deps.files.read(id, report.filesFolder, file) };
}

async function snapshotOf(context: LakeContext, table: string, version: number): Promise<SnapshotView> {
  return describeSnapshot(context, table, await openSnapshot(context, table, { version }));
}

/** Same-origin URL of the report-scoped lake file route. */
export function toReportLakeUrl(id: string, lakePath: string): string {
  return `/api/reports/${encodeURIComponent(id)}/lake/${lakePath.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The snapshot one of the report's table references reads (the browser asks per reference, as the workbench
 * does), with file URLs under the report's own lake route. A reference the report's SQL does not make is 404.
 */
export async function reportSnapshot(
  deps: ReportDeps,
  caller: SessionUser,
  id: string,
  ref: TableReadRef,
): Promise<SnapshotView> {
  const report = await readableReport(deps, caller, id);
  const context = await deps.lake();
  const refs = refsOf(report, await tablesOf(context, report));
  const known = refs.find((candidate) => refKey(candidate) === refKey(ref));
  if (!known) {
    throw new WorkbenchError('TABLE_NOT_FOUND', `Report '${id}' does not read ${describeRef(ref)}`);
  }
  const version = await resolveRef(known, report.pin, versionOfIn(context));
  const view = await snapshotOf(context, known.table, version);
  rememberReads(report, [view]);
  // describeSnapshot's views are cached and shared: a copy carries the report's URLs.
  return { ...view, files: view.files.map((file) => ({ ...file, url: toReportLakeUrl(id, file.path) })) };
}

const describeRef = (ref: TableReadRef) =>
  `${ref.table}${ref.version !== undefined ? ` VERSION AS OF ${ref.version}` : ''}${
    ref.timestamp !== undefined ? ` TIMESTAMP AS OF '${ref.timestamp}'` : ''
  }`;

// Files of the snapshots a report has handed out, by report (and publication, so republishing starts afresh).
// A hit costs nothing; a miss resolves the report's reads once more (a latest pin may have moved on).
const readFiles = new Map<string, Set<string>>();
const READ_FILES_LIMIT = 256;
const filesKey = (report: Report) => `${report.id}\0${report.publishedAt}`;

function rememberReads(report: Report, views: SnapshotView[]): void {
  const key = filesKey(report);
  let files = readFiles.get(key);
  if (!files) {
    files = new Set();
    readFiles.set(key, files);
    if (readFiles.size > READ_FILES_LIMIT) readFiles.delete(readFiles.keys().next().value as string);
  }
  for (const view of views) for (const file of view.files) files.add(file.path);
}

/**
 * The check the report's lake route serves a file under: the caller may read the report, and the file is a data
 * file of a table version the report reads. Everything else is 404, as on the workbench's lake route.
 */
export async function reportFileCheck(
  deps: ReportDeps,
  caller: SessionUser,
  id: string,
): Promise<(context: LakeContext, lakePath: string) => Promise<boolean>> {
  const report = await readableReport(deps, caller, id);
  return async (context, lakePath) => {
    if (readFiles.get(filesKey(report))?.has(lakePath)) return true;
    const refs = refsOf(report, await tablesOf(context, report));
    const reads = await resolveReads(refs, report.pin, versionOfIn(context));
    rememberReads(
      report,
      await Promise.all(reads.map((read) => snapshotOf(context, read.table, read.version))),
    );
    return readFiles.get(filesKey(report))?.has(lakePath) ?? false;
  };
}
