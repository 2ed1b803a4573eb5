// Who may do what with a notebook (issue 13 §5): pure rules over the notebook's metadata and the caller. The owner
// and admins manage a notebook (edit, delete, share); a share grants read or edit to a named user or to everyone
// with a role. A notebook without an owner (written before notebooks had metadata) is admins' only until an admin
// hands it to someone: a county reviewer expects unknown ownership to fail closed, not open to every analyst.

import { z } from 'zod';
import { ROLES, type SessionUser } from '../auth/permissions';

export type NotebookAccess = 'none' | 'read' | 'edit' | 'manage';

const username = z.string().trim().min(1).max(100);
const access = z.enum(['read', 'edit']);

export const notebookShareSchema = z.union([
  z.object({ user: username, access }).strict(),
  z.object({ role: z.enum(ROLES), access }).strict(),
]);
export type NotebookShare = z.infer<typeof notebookShareSchema>;

export const notebookSharesSchema = z.array(notebookShareSchema).max(200);

/** The part of a notebook's metadata the rules read. */
export interface NotebookOwnership {
  /** null: a notebook from before owners existed; admins only. */
  owner: string | null;
  shares: NotebookShare[];
}

const RANK: Record<NotebookAccess, number> = { none: 0, read: 1, edit: 2, manage: 3 };

export function accessOf(meta: NotebookOwnership, caller: SessionUser): NotebookAccess {
  if (caller.roles.includes('admin')) return 'manage';
  if (meta.owner !== null && meta.owner === caller.username) return 'manage';
  let best: NotebookAccess = 'none';
  for (const share of meta.shares) {
    const applies = 'user' in share ? share.user === caller.username : caller.roles.includes(share.role);
    if (applies && RANK[share.access] > RANK[best]) best = share.access;
  }
  return best;
}

export const canRead = (meta: NotebookOwnership, caller: SessionUser) => RANK[accessOf(meta, caller)] >= 1;
export const canEdit = (meta: NotebookOwnership, caller: SessionUser) => RANK[accessOf(meta, caller)] >= 2;
export const canManage = (meta: NotebookOwnership, caller: SessionUser) =>
  accessOf(meta, caller) === 'manage';

/** One entry per user or role (the last one given wins), so a share list never says two things at once. */
export function normalizeShares(shares: NotebookShare[]): NotebookShare[] {
  const byKey = new Map<string, NotebookShare>();
  for (const share of shares) byKey.set('user' in share ? `u:${share.user}` : `r:${share.role}`, share);
  return [...byKey.values()];
}
