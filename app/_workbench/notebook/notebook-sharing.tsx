'use client';
// The Share panel (owner and admins): who else may read or edit this notebook, by user name or by role. The
// server checks every change; this only edits the list.

import { useState } from 'react';
import type { NotebookShare } from '@/server/notebooks/notebook-access';
import { api } from '../api';
import { ErrorNotice } from '../error-notice';

const ROLES = ['analyst', 'frontend', 'admin'] as const;

export function NotebookSharing({ id, initial }: { id: string; initial: NotebookShare[] }) {
  const [shares, setShares] = useState<NotebookShare[]>(initial);
  const [who, setWho] = useState('');
  const [access, setAccess] = useState<NotebookShare['access']>('read');
  const [error, setError] = useState<Error | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const save = async (next: NotebookShare[]) => {
    try {
      const saved = await api.setSharing(id, next);
      setShares(saved.shares);
      setError(null);
      setStatus('Sharing saved');
    } catch (e) {
      setError(e as Error);
    }
  };

  const add = () => {
    const name = who.trim();
    if (!name) return;
    const role = name.startsWith('role:') ? name.slice(5) : null;
    const share: NotebookShare =
      role !== null && (ROLES as readonly string[]).includes(role)
        ? { role: role as (typeof ROLES)[number], access }
        : { user: name, access };
    setWho('');
    void save([...shares, share]);
  };

  return (
    <div className="wb-share-panel" data-testid="notebook-sharing">
      {error ? <ErrorNotice error={error} /> : null}
      {shares.length === 0 ? <p className="wb-muted">Only you (and admins) can open this notebook.</p> : null}
      <ul>
        {shares.map((share) => {
          const label = 'user' in share ? share.user : `everyone with the ${share.role} role`;
          return (
            <li key={label} data-testid="notebook-share">
              {label}: {share.access === 'edit' ? 'can edit' : 'can read'}{' '}
              <button type="button" onClick={() => void save(shares.filter((s) => s !== share))}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <input
        aria-label="Share with (user name, or role:analyst)"
        placeholder="user name, or role:analyst"
        value={who}
        onChange={(event) => setWho(event.target.value)}
      />
      <select
        aria-label="Access"
        value={access}
        onChange={(event) => setAccess(event.target.value as NotebookShare['access'])}
      >
        <option value="read">can read</option>
        <option value="edit">can edit</option>
      </select>
      <button type="button" onClick={add}>
        Share
      </button>
      {status ? (
        <span className="wb-muted" role="status">
          {' '}
          {status}
        </span>
      ) : null}
    </div>
  );
}
