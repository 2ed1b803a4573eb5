'use client';
// Saves the notebook a moment after the last edit, and once more when the page is hidden, so nothing typed is
// lost on reload. Each save names the version it was based on and saves run one after another, so this tab never
// conflicts with itself; a save the server refuses because another tab or user saved (409 NOTEBOOK_CONFLICT) or
// deleted the notebook (NOTEBOOK_DELETED) stops autosaving until the page reloads the notebook or keeps a copy.
// Read-only viewers never save.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notebook } from '@/server/notebooks/types';
import { ApiClientError } from '../../_lib/api-client';
import { api } from '../api';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict' | 'deleted' | 'read-only';
const DELAY_MS = 600;

export interface AutosaveOptions {
  /** The server version the shown notebook was loaded at. */
  baseVersion: number;
  /** Changes on every (re)load: the loaded notebook is then the saved state and baseVersion the base. */
  generation: number;
  readOnly: boolean;
}

export interface Autosave {
  state: SaveState;
  error: string | null;
  /** The version that refused this tab's save (conflict), or null. */
  currentVersion: number | null;
}

export function useAutosave(notebook: Notebook | null, version: number, options: AutosaveOptions): Autosave {
  const [state, setState] = useState<SaveState>(options.readOnly ? 'read-only' : 'saved');
  const [error, setError] = useState<string | null>(null);
  const [currentVersion, setCurrentVersion] = useState<number | null>(null);
  const savedVersion = useRef(version);
  const base = useRef(options.baseVersion);
  const stopped = useRef(options.readOnly);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef({ notebook, version });
  latest.current = { notebook, version };

  const { baseVersion, generation, readOnly } = options;
  useEffect(() => {
    base.current = baseVersion;
    savedVersion.current = latest.current.version;
    stopped.current = readOnly;
    setState(readOnly ? 'read-only' : 'saved');
    setError(null);
    setCurrentVersion(null);
    // Keyed on the load, not on baseVersion alone: a reload may bring back the same version number.
  }, [generation, baseVersion, readOnly]);

  const save = useCallback((keepalive: boolean) => {
    chain.current = chain.current.then(async () => {
      const { notebook: current, version: editVersion } = latest.current;
      if (!current || stopped.current || editVersion === savedVersion.current) return;
      setState('saving');
      try {
        const saved = await api.saveNotebook(current, base.current, { keepalive });
        base.current = saved.version;
        savedVersion.current = editVersion;
        setState(latest.current.version === editVersion ? 'saved' : 'dirty');
        setError(null);
      } catch (e) {
        const failure = e as Error;
        const reason = failure instanceof ApiClientError ? failure.details.reason : undefined;
        if (reason === 'NOTEBOOK_CONFLICT' || reason === 'NOTEBOOK_DELETED') {
          stopped.current = true;
          const version = failure instanceof ApiClientError ? failure.details.currentVersion : undefined;
          if (typeof version === 'number') setCurrentVersion(version);
          setState(reason === 'NOTEBOOK_CONFLICT' ? 'conflict' : 'deleted');
        } else {
          setState('error');
        }
        setError(failure.message);
      }
    });
  }, []);

  useEffect(() => {
    if (!notebook || version === savedVersion.current || stopped.current) return;
    setState('dirty');
    const timer = setTimeout(() => save(false), DELAY_MS);
    return () => clearTimeout(timer);
  }, [notebook, version, save]);

  useEffect(() => {
    // Leaving the page (reload, close, switching tabs) saves unsaved edits at once instead of after the delay.
    const flush = () => {
      if (document.visibilityState === 'hidden') save(true);
    };
    document.addEventListener('visibilitychange', flush);
    return () => document.removeEventListener('visibilitychange', flush);
  }, [save]);

  return { state, error, currentVersion };
}
