// Logic behind POST /api/catalog/tables/<table>/restore {version}: validate (zod) → authorize (delta:restore,
// CSRF-checked) → one command → present. Restore is a new Delta commit whose files are those of the old
// version, so history is kept and the restore itself can be undone; the next MySQL sync follows it. The commit
// also records what each pipeline writing the table does next (re-extract from the restored watermark and compare
// keys, or reload: pipelines/cdc/restore-table.ts), and the answer says so, so the table converges to the source.

import { z } from 'zod';
import { restoreWithPipelineState } from '@/pipelines/cdc/restore-table';
import { isDeltaError } from '@/pipelines/delta';
import { authorize } from '../auth/authorize';
import { ApiError } from './errors';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';
import { openSnapshot, tableRootOf } from './workbench/catalog';
import { getLakeContext, type LakeContext } from './workbench/lake-context';

export interface TableParams {
  params: Promise<{ table: string }>;
}

const restoreInput = z
  .object({
    version: z
      .number({ error: 'version must be a number: the Delta version to restore' })
      .int('version must be a whole number')
      .min(0, 'version must be 0 or more'),
  })
  .strict();

export interface RestoreOutcome {
  table: string;
  restoredVersion: number;
  newVersion: number;
  /** One per pipeline table writing it: the state recorded and what its next run does. */
  pipelines: {
    appId: string;
    needsReload: boolean;
    watermark: { column: string; value: string | null } | null;
    runSequence: number | null;
    nextRun: string;
  }[];
}

/** The command: checks the version against the table's history, then commits the restore. */
export async function restoreTable(
  context: LakeContext,
  table: string,
  version: number,
  username: string,
): Promise<RestoreOutcome> {
  const current = await openSnapshot(context, table); // 404 for a table that is not there
  if (version > current.version) {
    throw new ApiError(
      'INVALID_INPUT',
      `${table} has no version ${version}: its latest version is ${current.version}`,
    );
  }
  if (version === current.version) {
    throw new ApiError('INVALID_INPUT', `${table} is already at version ${version}; nothing to restore`);
  }
  try {
    const result = await restoreWithPipelineState(context, tableRootOf(table), {
      version,
      // Who rolled the table back stays in the Delta log (commitInfo), beside the operation.
      extraCommitInfo: { userName: username },
    });
    return {
      table,
      restoredVersion: version,
      newVersion: result.version,
      pipelines: result.pipelines.map(({ appId, record, nextRun }) => ({
        appId,
        needsReload: record.needsReload,
        watermark: record.watermark,
        runSequence: record.runSequence,
        nextRun,
      })),
    };
  } catch (error) {
    if (isDeltaError(error, 'VERSION_NOT_FOUND')) {
      throw new ApiError('INVALID_INPUT', `${table}: ${(error as Error).message}`, { cause: error });
    }
    if (isDeltaError(error, 'FILE_NOT_FOUND')) {
      throw new ApiError('CONFLICT', `${table}: ${(error as Error).message}`, { cause: error });
    }
    if (isDeltaError(error) && error.code.startsWith('CONCURRENT_')) {
      throw new ApiError('CONFLICT', `${table} changed while restoring; reload its history and try again`, {
        cause: error,
      });
    }
    throw error;
  }
}

export const postRestore = handleRoute<TableParams>(async (request, context) => {
  const { table } = await context.params;
  const user = await authorize(request, 'delta:restore');
  const { version } = restoreInput.parse(await readJsonBody(request));
  return jsonResponse(await restoreTable(await getLakeContext(), table, version, user.username));
});
