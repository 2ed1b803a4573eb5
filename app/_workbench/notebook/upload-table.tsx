'use client';
// Tables from files: a CSV, Excel (.xlsx, first sheet) or Parquet file becomes a named table of this notebook in
// the browser engine, joinable with lake tables. The analyst chooses: saved with the notebook (on the server, loaded
// again whenever the notebook opens; 25 MB a file, 100 MB a notebook) or kept in this page only (gone on reload).

import type { Table } from 'apache-arrow';
import { useEffect, useRef, useState } from 'react';
import {
  formatFileSize,
  formatMegabytes,
  formatOfFileName,
  MAX_NOTEBOOK_FILE_BYTES,
  MAX_NOTEBOOK_FILES_BYTES,
  NOTEBOOK_FILE_NAME,
  NOTEBOOK_FILE_NAME_RULE,
  suggestTableName,
  type NotebookFileFormat,
} from '@/server/notebooks/notebook-file-names';
import { api } from '../api';
import type { BrowserEngine } from '../engine/browser-engine';
import { readUpload } from '../engine/upload-table';
import { describeColumns } from '../results/result-data';

interface LoadedTable {
  name: string;
  format: NotebookFileFormat;
  size: number;
  rows: number;
  saved: boolean;
  /** For the editor's completion, like a cell's result. */
  columns: { name: string; type: string }[];
}

const columnsOf = (table: Table) => describeColumns(table).map((c) => ({ name: c.name, type: c.type }));

const LIMITS_TEXT = `up to ${formatMegabytes(MAX_NOTEBOOK_FILE_BYTES)} a file, ${formatMegabytes(MAX_NOTEBOOK_FILES_BYTES)} a notebook`;

export function UploadTable({
  notebookId,
  engine,
  canSave,
  reservedNames,
  onTablesChange,
}: {
  notebookId: string;
  engine: BrowserEngine;
  /** Edit access: only editors save files with the notebook; readers may still load one in their page. */
  canSave: boolean;
  /** Lake tables and cell result names, which an upload may not take. */
  reservedNames: readonly string[];
  /** The tables loaded in the page, whenever they change (the editor completes their names and columns). */
  onTablesChange?(tables: { name: string; columns: { name: string; type: string }[] }[]): void;
}) {
  const [tables, setTables] = useState<LoadedTable[]>([]);
  useEffect(() => onTablesChange?.(tables), [tables, onTablesChange]);
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [keep, setKeep] = useState<'save' | 'browser'>(canSave ? 'save' : 'browser');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // Saved files load when the notebook opens, so its cells can use them at once.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const { files } = await api.listNotebookFiles(notebookId);
        if (files.length === 0) return;
        setBusy(`Loading ${files.length} saved file${files.length === 1 ? '' : 's'}…`);
        for (const saved of files) {
          const bytes = await api.getNotebookFile(notebookId, saved.name);
          const table = await readUpload(engine, saved.format, bytes);
          await engine.storeResult(saved.name, table);
          if (cancelled) return;
          setTables((current) => [
            ...current.filter((t) => t.name !== saved.name),
            {
              name: saved.name,
              format: saved.format,
              size: saved.size,
              rows: table.numRows,
              saved: true,
              columns: columnsOf(table),
            },
          ]);
        }
      } catch (e) {
        if (!cancelled) setError(`Saved files could not be loaded: ${(e as Error).message}`);
      } finally {
        if (!cancelled) setBusy(null);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [notebookId, engine]);

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setError(null);
    if (chosen) setName(suggestTableName(chosen.name));
  };

  /** Why the chosen file and name cannot be loaded, or null. */
  const problem = (): string | null => {
    if (!file) return 'Choose a file first.';
    const format = formatOfFileName(file.name);
    if (!format) return `${file.name} is not a CSV, Excel (.xlsx) or Parquet file.`;
    if (file.size > MAX_NOTEBOOK_FILE_BYTES)
      return `${file.name} is ${formatMegabytes(file.size)}; a file loaded into a notebook may be at most ${formatMegabytes(MAX_NOTEBOOK_FILE_BYTES)}. Upload a smaller extract (filter or aggregate it first).`;
    if (!NOTEBOOK_FILE_NAME.test(name)) return `'${name}' cannot name a table: ${NOTEBOOK_FILE_NAME_RULE}.`;
    const taken = reservedNames.find((reserved) => reserved.toLowerCase() === name);
    if (taken) return `'${name}' is already a lake table or a cell's result here; choose another name.`;
    return null;
  };

  const load = async () => {
    const refused = problem();
    if (refused || !file) {
      setError(refused);
      return;
    }
    const format = formatOfFileName(file.name) as NotebookFileFormat;
    setError(null);
    setBusy(`Reading ${file.name}…`);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const table = await readUpload(engine, format, bytes);
      // Saved first: a refused save (size, access) leaves nothing half-done in the page either.
      if (keep === 'save') {
        setBusy(`Saving ${file.name} with the notebook…`);
        await api.saveNotebookFile(notebookId, name, format, bytes);
      }
      await engine.storeResult(name, table);
      setTables((current) => [
        ...current.filter((t) => t.name !== name),
        {
          name,
          format,
          size: file.size,
          rows: table.numRows,
          saved: keep === 'save',
          columns: columnsOf(table),
        },
      ]);
      setFile(null);
      setName('');
      if (fileInput.current) fileInput.current.value = '';
      setOpen(false);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (table: LoadedTable) => {
    setError(null);
    try {
      if (table.saved) await api.deleteNotebookFile(notebookId, table.name);
      await engine.dropResult(table.name);
      setTables((current) => current.filter((t) => t.name !== table.name));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="wb-uploads" data-testid="uploads" aria-label="Tables from files">
      <div className="wb-uploads-head">
        <strong>Tables from files</strong>
        {tables.length === 0 ? <span className="wb-muted">none</span> : null}
        {tables.map((table) => (
          <span key={table.name} className="wb-upload" data-testid={`upload-${table.name}`}>
            <code>{table.name}</code>{' '}
            <span className="wb-muted">
              {table.format}, {table.rows.toLocaleString()} rows, {formatFileSize(table.size)},{' '}
              {table.saved ? 'saved with the notebook' : 'this page only (gone on reload)'}
            </span>
            {table.saved && !canSave ? null : (
              <button
                type="button"
                aria-label={`Remove table ${table.name}`}
                onClick={() => void remove(table)}
              >
                ✕
              </button>
            )}
          </span>
        ))}
        <span className="wb-spacer" />
        <button
          type="button"
          data-testid="upload-open"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          Upload a file…
        </button>
      </div>
      {open ? (
        <form
          className="wb-upload-form"
          onSubmit={(event) => {
            event.preventDefault();
            void load();
          }}
        >
          <input
            ref={fileInput}
            type="file"
            accept=".csv,.tsv,.txt,.xlsx,.parquet,.pq"
            aria-label="File (CSV, Excel .xlsx or Parquet)"
            data-testid="upload-file"
            onChange={(event) => choose(event.target.files?.[0] ?? null)}
          />
          <label>
            Table name{' '}
            <input
              value={name}
              data-testid="upload-name"
              onChange={(event) => setName(event.target.value.trim())}
              size={24}
            />
          </label>
          <label title={canSave ? '' : 'Only those who may edit this notebook save files with it'}>
            <input
              type="radio"
              name="upload-keep"
              value="save"
              checked={keep === 'save'}
              disabled={!canSave}
              onChange={() => setKeep('save')}
              data-testid="upload-keep-save"
            />{' '}
            Save with the notebook ({LIMITS_TEXT})
          </label>
          <label>
            <input
              type="radio"
              name="upload-keep"
              value="browser"
              checked={keep === 'browser'}
              onChange={() => setKeep('browser')}
              data-testid="upload-keep-browser"
            />{' '}
            This page only: nothing is sent to the server, and the table is gone when the page reloads
          </label>
          <button type="submit" disabled={busy !== null} data-testid="upload-submit">
            Load table
          </button>
        </form>
      ) : null}
      {busy ? (
        <p className="wb-muted" role="status" data-testid="upload-status">
          {busy}
        </p>
      ) : null}
      {error ? (
        <p className="wb-error" role="alert" data-testid="upload-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
