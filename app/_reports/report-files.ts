'use client';
// The files frozen with a report, loaded into the viewer's engine as tables before its cells run, as the notebook
// page loads a notebook's saved files: fetched through the report's own route (a viewer has no workbench rights),
// read like an upload, stored under the table name the SQL uses. A file that fails is reported, not fatal: the
// cells that read it fail with DuckDB's own message, the others run.

import type { ReportFile } from '@/server/reports/report-types';
import type { BrowserEngine } from '../_workbench/engine/browser-engine';
import { readUpload } from '../_workbench/engine/upload-table';
import { reportApi } from './report-api';

/** Why each file that could not be loaded failed, by table name; empty when all loaded. */
export type FileProblems = Record<string, string>;

export async function loadReportFiles(
  engine: BrowserEngine,
  reportId: string,
  files: readonly ReportFile[],
  /** The page's queue: the engine runs one thing at a time, cells and options queries included. */
  serial: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<FileProblems> {
  const problems: FileProblems = {};
  for (const file of files) {
    try {
      const bytes = await reportApi.getFile(reportId, file.name);
      await serial(async () => engine.storeResult(file.name, await readUpload(engine, file.format, bytes)));
    } catch (error) {
      problems[file.name] = (error as Error).message;
    }
  }
  return problems;
}
