// GET|HEAD /api/lake/<path>: one lake file with HTTP range support, for DuckDB-WASM's ranged Parquet reads.

import { handleRoute } from '@/server/api/handle-route';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { serveLakeFile, toLakePath } from '@/server/api/workbench/lake-file';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };

const serve = (method: 'GET' | 'HEAD') =>
  handleRoute<Context>(async (request, context) => {
    const path = toLakePath((await context.params).path);
    await authorize(request, 'workbench');
    return serveLakeFile(await getLakeContext(), {
      method,
      path,
      range: request.headers.get('range'),
      ifNoneMatch: request.headers.get('if-none-match'),
      ifRange: request.headers.get('if-range'),
    });
  });

export const GET = serve('GET');
export const HEAD = serve('HEAD');
