'use client';
// Saves the notebook a moment after the last edit, and once more when the page is hidden, so nothing typed is
// lost on reload. Reports the save state for the header.

import { useEffect, useRef, useState } from 'react';
import type { Notebook } from '@/server/notebooks/types';
import { api } from '../api';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';
const DELAY_MS = 600;

export function useAutosave(
  notebook: Notebook | null,
  version: number,
): { state: SaveState; error: string | null } {
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<string | null>(null);
  const savedVersion = useRef(version);
  const latest = useRef({ notebook, version });
  latest.current = { notebook, version };

  useEffect(() => {
    if (!notebook || version === savedVersion.current) return;
    setState('dirty');
    const timer = setTimeout(() => {
      setState('saving');
      api
        .saveNotebook(notebook)
        .then(() => {
          savedVersion.current = version;
          setState('saved');
          setError(null);
        })
        .catch((e: Error) => {
          setState('error');
          setError(e.message);
        });
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [notebook, version]);

  useEffect(() => {
    // Leaving the page (reload, close, switching tabs) saves unsaved edits at once instead of after the delay.
    const flush = () => {
      const { notebook: current, version: currentVersion } = latest.current;
      if (!current || document.visibilityState !== 'hidden' || currentVersion === savedVersion.current)
        return;
      const saving = currentVersion;
      void api.saveNotebook(current, { keepalive: true }).then(
        () => {
          savedVersion.current = Math.max(savedVersion.current, saving);
        },
        () => undefined,
      );
    };
    document.addEventListener('visibilitychange', flush);
    return () => document.removeEventListener('visibilitychange', flush);
  }, []);

  return { state, error };
}
