'use client';
// The notebooks at /workbench that the user may open: open, create, rename, duplicate, delete (as far as the
// user's access to each allows; the server enforces it). A visitor who has not signed in gets the log-in link
// (as on the admin pages) instead of a call that would send them straight to the login page.

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import type { NotebookListItem } from '@/server/api/workbench/notebooks';
import { useCurrentUser } from '../../_lib/use-current-user';
import { api } from '../api';
import { ErrorNotice, LoginNotice } from '../error-notice';

export function NotebookList() {
  const user = useCurrentUser();
  if (user.status === 'loading') return <p className="wb-muted">Loading notebooks…</p>;
  if (user.status === 'anonymous') return <LoginNotice />;
  return <Notebooks />;
}

function Notebooks() {
  const router = useRouter();
  const [notebooks, setNotebooks] = useState<NotebookListItem[] | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const reload = useCallback(() => {
    api.listNotebooks().then(setNotebooks, (e: Error) => setError(e));
  }, []);
  useEffect(reload, [reload]);

  const act = (work: Promise<unknown>) => work.then(reload, (e: Error) => setError(e));

  const create = async () => {
    try {
      const notebook = await api.createNotebook({ title: 'Untitled notebook' });
      router.push(`/workbench/${notebook.id}`);
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <div className="wb-list">
      <div className="wb-list-head">
        <button type="button" className="wb-primary" onClick={() => void create()} data-testid="new-notebook">
          New notebook
        </button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {notebooks === null && !error ? <p className="wb-muted">Loading notebooks…</p> : null}
      {notebooks?.length === 0 ? <p className="wb-muted">No notebooks yet: start one.</p> : null}
      <ul className="wb-notebooks">
        {notebooks?.map((notebook) => (
          <li key={notebook.id} data-testid="notebook-item">
            <a href={`/workbench/${notebook.id}`}>{notebook.title}</a>
            <span className="wb-muted">
              {notebook.cellCount} cell{notebook.cellCount === 1 ? '' : 's'} ·{' '}
              {new Date(notebook.updatedAt).toLocaleString()}
              {notebook.access === 'manage'
                ? ''
                : ` · ${notebook.owner ?? 'no owner'}'s, you can ${notebook.access}`}
            </span>
            <span className="wb-spacer" />
            <button
              type="button"
              disabled={notebook.access === 'read'}
              onClick={() => {
                const title = window.prompt('New title', notebook.title);
                if (title && title.trim()) void act(api.renameNotebook(notebook.id, title.trim()));
              }}
            >
              Rename
            </button>
            <button type="button" onClick={() => void act(api.duplicateNotebook(notebook.id))}>
              Duplicate
            </button>
            <button
              type="button"
              className="wb-danger"
              disabled={notebook.access !== 'manage'}
              onClick={() => {
                if (window.confirm(`Delete “${notebook.title}”?`)) void act(api.deleteNotebook(notebook.id));
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
