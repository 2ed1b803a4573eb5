// GET|HEAD /api/reports/<id>/lake/<path>: a data file of a table version the report reads, with ranges.

import { getReportLakeFile, headReportLakeFile } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getReportLakeFile;
export const HEAD = headReportLakeFile;
