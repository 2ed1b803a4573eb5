'use client';
// Reload one table of a pipeline, in full or a time range of its watermark, through the worker (POST /api/runs).
// The server checks the request (table, range, watermark) and says what is wrong; what was typed stays for the
// fix. Tables offered are those the pipeline's runs have reported; any name may be typed.

import { useState, type FormEvent } from 'react';
import { api, ApiClientError } from '../_lib/api-client';
import type { RunView } from '../_lib/control-types';

/** Table names a pipeline's runs reported progress for (`<table>.rowsExtracted`), newest runs first. */
export function tablesOfRuns(runs: RunView[]): string[] {
  const tables = new Set<string>();
  for (const run of runs.slice(0, 20)) {
    for (const key of Object.keys(run.progress)) {
      const match = /^(.+)\.rowsExtracted$/.exec(key);
      if (match?.[1]) tables.add(match[1]);
    }
  }
  return [...tables].sort();
}

export function ReloadForm({
  pipeline,
  tables,
  onQueued,
}: {
  pipeline: string;
  tables: string[];
  onQueued: () => void;
}) {
  const [mode, setMode] = useState<'full' | 'range'>('full');
  const [error, setError] = useState<string | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listId = `reload-tables-${pipeline}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const table = String(form.get('table') ?? '').trim();
    setBusy(true);
    setError(null);
    setQueued(null);
    try {
      await api.post('/api/runs', {
        pipeline,
        table,
        ...(mode === 'range'
          ? { from: String(form.get('from') ?? ''), to: String(form.get('to') ?? '') }
          : {}),
      });
      setQueued(
        mode === 'range'
          ? `Queued a re-extract of ${table} for the range given; the watermark stays where it is.`
          : `Queued a full reload of ${table}; it shows below as a manual run.`,
      );
      onQueued();
    } catch (e) {
      setError(e instanceof ApiClientError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="reload-form" data-testid="reload-form">
      <summary>Reload a table…</summary>
      <form onSubmit={submit} className="schedule-form">
        <label>
          Table
          <input name="table" required list={listId} placeholder={tables[0] ?? 'table'} />
          <datalist id={listId}>
            {tables.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <fieldset className="reload-mode">
          <legend>What to reload</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="full"
              checked={mode === 'full'}
              onChange={() => setMode('full')}
            />{' '}
            The whole table (full reload)
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="range"
              checked={mode === 'range'}
              onChange={() => setMode('range')}
            />{' '}
            Rows whose watermark is in a time range (the watermark is kept)
          </label>
        </fieldset>
        {mode === 'range' ? (
          <>
            <label>
              From (UTC, included)
              <input name="from" required placeholder="2026-11-24 or 2026-11-24T08:00" className="mono" />
            </label>
            <label>
              To (UTC, excluded)
              <input name="to" required placeholder="2026-11-25" className="mono" />
            </label>
          </>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Queuing…' : mode === 'range' ? 'Re-extract range' : 'Reload table'}
        </button>
      </form>
      {error ? (
        <p role="alert" className="form-error" data-testid="reload-error">
          {error}
        </p>
      ) : null}
      {queued ? (
        <p role="status" data-testid="reload-queued">
          {queued}
        </p>
      ) : null}
    </details>
  );
}
