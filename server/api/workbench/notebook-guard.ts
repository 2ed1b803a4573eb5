// The notebook commands' authorization and error mapping: a caller who may not read a notebook is told it does not
// exist (404, the same answer as for an unknown id, so ids cannot be probed); a reader who tries to change it gets
// 403 (they know it exists). Store errors become the workbench catalogue's stable codes, with the facts the UI
// needs (current version, who deleted) in `details`.

import { accessOf, type NotebookAccess } from '../../notebooks/notebook-access';
import { NotebookNotFoundError } from '../../notebooks/notebook-store';
import {
  NotebookConflictError,
  NotebookDeletedError,
  NotebookVersionNotFoundError,
  type Check,
} from '../../notebooks/notebook-versions';
import type { SessionUser } from '../../auth/permissions';
import { WorkbenchError } from './workbench-error';

const RANK: Record<NotebookAccess, number> = { none: 0, read: 1, edit: 2, manage: 3 };
const NEEDS: Record<Exclude<NotebookAccess, 'none'>, string> = {
  read: 'open',
  edit: 'change',
  manage: 'delete or share',
};

const notFound = (id: string, cause?: unknown) =>
  new WorkbenchError('NOTEBOOK_NOT_FOUND', `No notebook '${id}'`, { cause });

/** A Check that lets the caller through with at least `needed` access to the notebook `id`. */
export function requireAccess(
  caller: SessionUser,
  id: string,
  needed: Exclude<NotebookAccess, 'none'>,
): Check {
  return (meta) => {
    const access = accessOf(meta, caller);
    if (access === 'none') throw notFound(id);
    if (RANK[access] < RANK[needed]) {
      const owner = meta.owner ? `its owner ${meta.owner}` : 'an admin';
      throw new WorkbenchError(
        'NOTEBOOK_READ_ONLY',
        `You have ${access} access to notebook '${id}' and may not ${NEEDS[needed]} it; ask ${owner}`,
      );
    }
  };
}

/** Runs a store call, answering its errors with the workbench's codes. */
export async function guardNotebook<T>(caller: SessionUser, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NotebookNotFoundError) throw notFound(error.id, error);
    if (error instanceof NotebookDeletedError) {
      if (accessOf(error.meta, caller) === 'none') throw notFound(error.id, error);
      throw new WorkbenchError(
        'NOTEBOOK_DELETED',
        `${error.message}; it cannot be saved again. Save your work as a new notebook to keep it.`,
        {
          cause: error,
          details: { reason: 'NOTEBOOK_DELETED', deletedAt: error.deletedAt, deletedBy: error.deletedBy },
        },
      );
    }
    if (error instanceof NotebookConflictError) {
      throw new WorkbenchError(
        'NOTEBOOK_CONFLICT',
        `${error.message}: reload it, or keep both by saving yours as a copy`,
        {
          cause: error,
          details: {
            reason: 'NOTEBOOK_CONFLICT',
            currentVersion: error.currentVersion,
            baseVersion: error.baseVersion,
          },
        },
      );
    }
    if (error instanceof NotebookVersionNotFoundError) {
      throw new WorkbenchError('NOTEBOOK_VERSION_NOT_FOUND', error.message, { cause: error });
    }
    throw error;
  }
}
