// Notebooks with owners, versions, history and tombstones (issue 13 §5), over the plain .sql files of
// notebook-store.ts and the metadata of notebook-meta.ts. Every change runs under the notebook's lock and checks
// the caller's right (a callback given the current metadata) and the version the change was based on there, so
// check-and-write is atomic: a save based on an older version is refused, never silently overwritten.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NotebookShare } from './notebook-access';
import { parseNotebook, serializeNotebook } from './notebook-format';
import {
  createNotebookMetaFiles,
  HISTORY_LIMIT,
  type NotebookMeta,
  type NotebookVersionInfo,
} from './notebook-meta';
import { NOTEBOOK_ID, NotebookNotFoundError, type NotebookStore } from './notebook-store';
import { withKeyedLock } from './keyed-lock';
import type { Notebook, NotebookSummary } from './types';

export type { NotebookMeta, NotebookVersionInfo } from './notebook-meta';

export class NotebookConflictError extends Error {
  constructor(
    readonly id: string,
    readonly currentVersion: number,
    readonly baseVersion: number,
  ) {
    super(
      `Notebook '${id}' was saved elsewhere (now version ${currentVersion}) since the version ${baseVersion} ` +
        'this save was based on',
    );
    this.name = 'NotebookConflictError';
  }
}

export class NotebookDeletedError extends Error {
  readonly deletedAt: number;
  readonly deletedBy: string | undefined;

  /** `meta` is the tombstone: it still says who could read the notebook, and so who may learn of its deletion. */
  constructor(
    readonly id: string,
    readonly meta: NotebookMeta,
  ) {
    const deletedAt = meta.deletedAt ?? 0;
    super(
      `Notebook '${id}' was deleted${meta.deletedBy ? ` by ${meta.deletedBy}` : ''} at ` +
        new Date(deletedAt).toISOString(),
    );
    this.deletedAt = deletedAt;
    this.deletedBy = meta.deletedBy;
    this.name = 'NotebookDeletedError';
  }
}

export class NotebookIdTakenError extends Error {
  constructor(readonly id: string) {
    super(`Notebook id '${id}' is taken`);
    this.name = 'NotebookIdTakenError';
  }
}

export class NotebookVersionNotFoundError extends Error {
  constructor(
    readonly id: string,
    readonly version: number,
  ) {
    super(`Notebook '${id}' keeps no version ${version} (only the last ${HISTORY_LIMIT} saves are kept)`);
    this.name = 'NotebookVersionNotFoundError';
  }
}

/** Throws when the caller may not make the change; called with the metadata current under the lock. */
export type Check = (meta: NotebookMeta) => void;

export interface VersionedNotebooks {
  /** The metadata of a live notebook; NotebookNotFoundError, or NotebookDeletedError for a tombstone. */
  meta(id: string): Promise<NotebookMeta>;
  /** A candidate id for a title (notebook-store.ts newId); create() says whether it is free. */
  newId(title: string): string;
  open(id: string): Promise<{ notebook: Notebook; meta: NotebookMeta }>;
  list(): Promise<{ summary: NotebookSummary; meta: NotebookMeta }[]>;
  /** A new notebook at version 1; NotebookIdTakenError when the id is used, tombstones included. */
  create(notebook: Notebook, owner: string): Promise<NotebookMeta>;
  save(notebook: Notebook, baseVersion: number, user: string, check: Check): Promise<NotebookMeta>;
  remove(id: string, user: string, check: Check): Promise<void>;
  setSharing(
    id: string,
    sharing: { owner?: string; shares: NotebookShare[] },
    check: Check,
  ): Promise<NotebookMeta>;
  history(id: string): Promise<NotebookVersionInfo[]>;
  /** A new save whose content is the kept version's. */
  restore(id: string, version: number, user: string, check: Check): Promise<NotebookMeta>;
}

export function createVersionedNotebooks(
  store: NotebookStore,
  dir: string,
  now: () => number = Date.now,
): VersionedNotebooks {
  const files = createNotebookMetaFiles(dir);
  const lockKey = (id: string) => `notebook:${path.join(dir, id)}`;
  const modifiedAt = (id: string) =>
    stat(path.join(dir, `${id}.sql`)).then(
      (info) => info.mtimeMs,
      () => null,
    );

  async function current(id: string): Promise<NotebookMeta> {
    if (!NOTEBOOK_ID.test(id)) throw new NotebookNotFoundError(id);
    const meta = await files.read(id);
    if (meta?.deletedAt !== undefined) throw new NotebookDeletedError(id, meta);
    if (meta) return meta;
    // A notebook written before metadata existed: owned by nobody (admins only), at version 1.
    const mtime = await modifiedAt(id);
    if (mtime === null) throw new NotebookNotFoundError(id);
    return {
      owner: null,
      shares: [],
      version: 1,
      createdAt: mtime,
      updatedAt: mtime,
      updatedBy: null,
      history: [],
    };
  }

  /** Writes the next version: its kept copy, the notebook file, then the metadata that makes it current. */
  async function commit(meta: NotebookMeta, notebook: Notebook, user: string): Promise<NotebookMeta> {
    const id = notebook.id;
    let history = meta.history;
    if (!history.some((entry) => entry.version === meta.version)) {
      // The first save of a legacy notebook keeps the version it replaces, so it can be restored.
      const before = await store.read(id).catch(() => null);
      if (before) {
        await files.writeVersion(id, meta.version, serializeNotebook(before));
        history = [...history, { version: meta.version, at: meta.updatedAt, user: meta.updatedBy }];
      }
    }
    const at = now();
    const version = meta.version + 1;
    await files.writeVersion(id, version, serializeNotebook(notebook));
    await store.save(notebook);
    history = [...history, { version, at, user }];
    const dropped = history.slice(0, Math.max(0, history.length - HISTORY_LIMIT));
    const next: NotebookMeta = {
      ...meta,
      version,
      updatedAt: at,
      updatedBy: user,
      history: history.slice(dropped.length),
    };
    await files.write(id, next);
    await Promise.all(dropped.map((entry) => files.removeVersion(id, entry.version)));
    return next;
  }

  return {
    meta: current,
    newId: (title) => store.newId(title),
    async open(id) {
      const meta = await current(id);
      return { notebook: await store.read(id), meta };
    },
    async list() {
      const summaries = await store.list();
      const listed = await Promise.all(
        summaries.map((summary) =>
          current(summary.id).then(
            (meta) => ({ summary, meta }),
            // A tombstone whose file a crash left behind, or a file removed meanwhile: not listed.
            (error: unknown) => {
              if (error instanceof NotebookDeletedError || error instanceof NotebookNotFoundError)
                return null;
              throw error;
            },
          ),
        ),
      );
      return listed.filter((entry) => entry !== null);
    },
    create(notebook, owner) {
      return withKeyedLock(lockKey(notebook.id), async () => {
        if ((await files.read(notebook.id)) || (await modifiedAt(notebook.id)) !== null) {
          throw new NotebookIdTakenError(notebook.id);
        }
        const at = now();
        await files.writeVersion(notebook.id, 1, serializeNotebook(notebook));
        await store.save(notebook);
        const meta: NotebookMeta = {
          owner,
          shares: [],
          version: 1,
          createdAt: at,
          updatedAt: at,
          updatedBy: owner,
          history: [{ version: 1, at, user: owner }],
        };
        await files.write(notebook.id, meta);
        return meta;
      });
    },
    save(notebook, baseVersion, user, check) {
      return withKeyedLock(lockKey(notebook.id), async () => {
        const meta = await current(notebook.id);
        check(meta);
        if (baseVersion !== meta.version)
          throw new NotebookConflictError(notebook.id, meta.version, baseVersion);
        return commit(meta, notebook, user);
      });
    },
    remove(id, user, check) {
      return withKeyedLock(lockKey(id), async () => {
        const meta = await current(id);
        check(meta);
        // The tombstone goes first: if the process stops half-way, the notebook reads as deleted, never back.
        await files.write(id, { ...meta, history: [], deletedAt: now(), deletedBy: user });
        await store.remove(id).catch((error: unknown) => {
          if (!(error instanceof NotebookNotFoundError)) throw error;
        });
        await files.removeVersions(id);
      });
    },
    setSharing(id, sharing, check) {
      return withKeyedLock(lockKey(id), async () => {
        const meta = await current(id);
        check(meta);
        const next = { ...meta, owner: sharing.owner ?? meta.owner, shares: sharing.shares };
        await files.write(id, next);
        return next;
      });
    },
    async history(id) {
      const meta = await current(id);
      return [...meta.history].reverse();
    },
    restore(id, version, user, check) {
      return withKeyedLock(lockKey(id), async () => {
        const meta = await current(id);
        check(meta);
        const text = meta.history.some((entry) => entry.version === version)
          ? await files.readVersion(id, version)
          : null;
        if (text === null) throw new NotebookVersionNotFoundError(id, version);
        return commit(meta, parseNotebook(id, text), user);
      });
    },
  };
}
