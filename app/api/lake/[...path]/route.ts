// GET|HEAD /api/lake/<path>: one lake file with HTTP range support, for DuckDB-WASM's ranged Parquet reads.

import { getLakeFile, headLakeFile } from '@/server/api/workbench/lake-routes';

export const dynamic = 'force-dynamic';
export const GET = getLakeFile;
export const HEAD = headLakeFile;
