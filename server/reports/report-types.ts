// A published report (issue 15 §1): a frozen copy of a notebook that viewers with an allowed role read, never
// edit, over the latest snapshot or a pinned one. Shapes shared by the store, the API and (as types only) the
// browser; the zod schemas validate what reaches the store from a request or from disk.

import { z } from 'zod';
import { ROLES, type Role } from '../auth/permissions';
import type { NotebookFileFormat } from '../notebooks/notebook-file-names';
import type { Notebook } from '../notebooks/types';

/** Roles that may read a report when the publisher names none. */
export const DEFAULT_REPORT_ROLES: Role[] = ['analyst', 'frontend', 'admin'];

const tableName = z.string().min(1).max(200);

/**
 * What a report reads: the tables' latest versions at view time; one version per table, fixed at publishing
 * (tables not named get their version of that moment); or every table as of a time (the newest version committed
 * at or before it). `VERSION AS OF` / `TIMESTAMP AS OF` written in the report's SQL apply as written, whatever the pin.
 */
export const reportPinSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z
    .object({
      kind: z.literal('versions'),
      versions: z.record(tableName, z.number().int().min(0)),
    })
    .strict(),
  z
    .object({
      kind: z.literal('timestamp'),
      timestamp: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .refine((text) => !Number.isNaN(Date.parse(normalizeZone(text))), 'not a date or time'),
    })
    .strict(),
]);
export type ReportPin = z.infer<typeof reportPinSchema>;

/** A time without a zone is UTC, as everywhere in the workbench. */
export function normalizeZone(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?$/.exec(text.trim());
  return match ? `${match[1]}T${match[2] ?? '00:00'}Z` : text;
}

export const publishBodySchema = z
  .object({
    roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).default(DEFAULT_REPORT_ROLES),
    pin: reportPinSchema.default({ kind: 'latest' }),
  })
  .strict();
export type PublishBody = z.infer<typeof publishBodySchema>;

export interface Report {
  /** The notebook's id: one report per notebook, republishing replaces it, so its URL stays. */
  id: string;
  /** The notebook as it was when published (later edits do not change the report until it is published again). */
  notebook: Notebook;
  /** The notebook's owner when published (may always read it). */
  owner: string | null;
  publishedBy: string;
  publishedAt: number;
  /** The notebook version that was published. */
  notebookVersion: number;
  roles: Role[];
  pin: ReportPin;
  /** The notebook's saved files as they were when published (report-files.ts); empty in reports from before. */
  files: ReportFile[];
  /** The folder of this publication's copy of the files (under .meta/report-files/<id>/), when there are any. */
  filesFolder?: string;
}

/** A file frozen with a report: loaded in the viewer's browser as table `name`, as in the notebook. */
export interface ReportFile {
  name: string;
  format: NotebookFileFormat;
  size: number;
}

/** One table read of a report, resolved to a concrete version. */
export interface ResolvedRead {
  /** The table as the catalog names it. */
  table: string;
  /** Present when the SQL itself says `VERSION AS OF` (version) or `TIMESTAMP AS OF` (timestamp). */
  sqlVersion?: number;
  sqlTimestamp?: string;
  /** The version read. */
  version: number;
}

/** What GET /api/reports/<id> answers: the frozen notebook and the versions it reads now. */
export interface ReportView {
  id: string;
  title: string;
  notebook: Notebook;
  publishedBy: string;
  publishedAt: number;
  roles: Role[];
  pin: ReportPin;
  /** Lake tables the report's SQL names (catalog names), for the browser's time-travel rewrite. */
  tables: string[];
  /** Every table read resolved to its version at the time of the request. */
  reads: ResolvedRead[];
  /** Files frozen with the report, served by /api/reports/<id>/files/<name>, loaded before the cells run. */
  files: ReportFile[];
  /** The caller may publish again or unpublish it (owner or admin). */
  canManage: boolean;
}

export interface ReportSummary {
  id: string;
  title: string;
  publishedBy: string;
  publishedAt: number;
  roles: Role[];
  pin: ReportPin;
}
