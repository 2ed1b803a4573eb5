// The notebook access rules (issue 13 §5): owner, shares by user and by role, admin, stranger, legacy notebooks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionUser } from '../../server/auth/permissions';
import {
  accessOf,
  canEdit,
  canManage,
  canRead,
  normalizeShares,
  notebookSharesSchema,
} from '../../server/notebooks/notebook-access';

const ana: SessionUser = { username: 'ana', roles: ['analyst'] };
const bea: SessionUser = { username: 'bea', roles: ['analyst'] };
const cid: SessionUser = { username: 'cid', roles: ['analyst'] };
const fred: SessionUser = { username: 'fred', roles: ['frontend'] };
const ada: SessionUser = { username: 'ada', roles: ['admin'] };

test('the owner manages; a stranger has no access; an admin manages any notebook', () => {
  const meta = { owner: 'ana', shares: [] };
  assert.equal(accessOf(meta, ana), 'manage');
  assert.equal(accessOf(meta, bea), 'none');
  assert.equal(canRead(meta, bea), false);
  assert.equal(accessOf(meta, ada), 'manage');
});

test('a share by user name grants read or edit to that user only', () => {
  const read = { owner: 'ana', shares: [{ user: 'bea', access: 'read' as const }] };
  assert.equal(accessOf(read, bea), 'read');
  assert.equal(canRead(read, bea), true);
  assert.equal(canEdit(read, bea), false);
  assert.equal(accessOf(read, cid), 'none');
  const edit = { owner: 'ana', shares: [{ user: 'bea', access: 'edit' as const }] };
  assert.equal(canEdit(edit, bea), true);
  assert.equal(canManage(edit, bea), false);
});

test('a share by role grants everyone with the role; the best of several shares wins', () => {
  const meta = {
    owner: 'ana',
    shares: [
      { role: 'analyst' as const, access: 'read' as const },
      { user: 'cid', access: 'edit' as const },
    ],
  };
  assert.equal(accessOf(meta, bea), 'read');
  assert.equal(accessOf(meta, cid), 'edit');
  assert.equal(accessOf(meta, fred), 'none');
});

test('a notebook without an owner (from before owners) is admins only', () => {
  const legacy = { owner: null, shares: [] };
  assert.equal(accessOf(legacy, ana), 'none');
  assert.equal(accessOf(legacy, ada), 'manage');
});

test('shares are validated and one entry per user or role is kept', () => {
  assert.throws(() => notebookSharesSchema.parse([{ user: 'bea', access: 'owner' }]));
  assert.throws(() => notebookSharesSchema.parse([{ role: 'superuser', access: 'read' }]));
  assert.throws(() => notebookSharesSchema.parse([{ user: 'bea', role: 'analyst', access: 'read' }]));
  assert.deepEqual(
    normalizeShares(
      notebookSharesSchema.parse([
        { user: 'bea', access: 'read' },
        { role: 'frontend', access: 'read' },
        { user: 'bea', access: 'edit' },
      ]),
    ),
    [
      { user: 'bea', access: 'edit' },
      { role: 'frontend', access: 'read' },
    ],
  );
});
