// Logic behind GET|HEAD /api/lake/<path>: one lake file with HTTP range support, for DuckDB-WASM's ranged
// Parquet reads. Validate the path → authorize → serve. The app/api route file only exports these.

import { authorize } from '../../auth/authorize';
import { handleRoute } from '../handle-route';
import { getLakeContext } from './lake-context';
import { serveLakeFile, toLakePath } from './lake-file';

export interface LakePathParams {
  params: Promise<{ path: string[] }>;
}

const serve = (method: 'GET' | 'HEAD') =>
  handleRoute<LakePathParams>(async (request, context) => {
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

export const getLakeFile = serve('GET');
export const headLakeFile = serve('HEAD');
