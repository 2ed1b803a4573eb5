// Notebook commands beyond open and save (issue 13 §5): who a notebook is shared with, and its history of saves.
// Sharing is for the owner and admins; only an admin hands a notebook to another owner (how legacy notebooks,
// owned by nobody, get an owner). History is for those who may edit: restoring is a save.

import { z } from 'zod';
import type { SessionUser } from '../../auth/permissions';
import { normalizeShares, notebookSharesSchema, type NotebookShare } from '../../notebooks/notebook-access';
import type { NotebookVersionInfo, VersionedNotebooks } from '../../notebooks/notebook-versions';
import { guardNotebook, requireAccess } from './notebook-guard';
import { openNotebook, type NotebookView } from './notebooks';
import { WorkbenchError } from './workbench-error';

export const sharingBodySchema = z
  .object({
    shares: notebookSharesSchema,
    owner: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const restoreBodySchema = z.object({ version: z.number().int().min(1) }).strict();

export interface NotebookSharing {
  owner: string | null;
  shares: NotebookShare[];
}

export async function getSharing(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
): Promise<NotebookSharing> {
  const { owner, shares } = await openNotebook(notebooks, caller, id);
  return { owner, shares };
}

export async function setSharing(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
  body: z.infer<typeof sharingBodySchema>,
): Promise<NotebookSharing> {
  const manage = requireAccess(caller, id, 'manage');
  const meta = await guardNotebook(
    caller,
    notebooks.setSharing(id, { owner: body.owner, shares: normalizeShares(body.shares) }, (current) => {
      manage(current);
      if (body.owner !== undefined && body.owner !== current.owner && !caller.roles.includes('admin')) {
        throw new WorkbenchError('NOTEBOOK_READ_ONLY', 'Only an admin can give a notebook another owner');
      }
    }),
  );
  return { owner: meta.owner, shares: meta.shares };
}

/** The kept versions, newest first (the last 50 saves). */
export async function listVersions(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
): Promise<NotebookVersionInfo[]> {
  return guardNotebook(
    caller,
    (async () => {
      requireAccess(caller, id, 'edit')(await notebooks.meta(id));
      return notebooks.history(id);
    })(),
  );
}

/** Restores a kept version as a new save; returns the notebook as it now is. */
export async function restoreVersion(
  notebooks: VersionedNotebooks,
  caller: SessionUser,
  id: string,
  version: number,
): Promise<NotebookView> {
  await guardNotebook(
    caller,
    notebooks.restore(id, version, caller.username, requireAccess(caller, id, 'edit')),
  );
  return openNotebook(notebooks, caller, id);
}
