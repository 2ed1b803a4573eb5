'use client';
// A cell's result: row count, elapsed time and path, grid or chart, copy and exports.

import type { Table } from 'apache-arrow';
import { useState } from 'react';
import type { CellDisplay, ChartSettings } from '@/server/notebooks/chart-settings';
import { ResultChart } from './result-chart';
import { ResultGrid } from './result-grid';
import './results.css';
import { downloadBytes, toArrowIpc, toCsv, toXlsx } from './result-export';
import { XLSX_MIME_TYPE } from '@/server/notebooks/xlsx';
import type { Placement } from '../engine/placement';

export interface ResultInfo {
  table: Table;
  elapsedMs: number;
  truncated: boolean;
  runOn: 'browser' | 'server';
  /** Where the cell ran and why; absent for results not run by a cell (a report's own runs). */
  placement?: Placement;
  versions: Record<string, number>;
}

export function ResultView({
  result,
  fileStem,
  toParquet,
  onRunOnServer,
  display,
  chart,
  onSettingsChange,
}: {
  result: ResultInfo;
  fileStem: string;
  toParquet: (table: Table) => Promise<Uint8Array>;
  /** Switches the cell to the server path and runs it again. */
  onRunOnServer?: () => void;
  /** The cell's saved display and chart (restored on reload). */
  display?: CellDisplay | undefined;
  chart?: ChartSettings | undefined;
  /** Saves the display and chart with the cell; absent for a reader, whose changes stay in the page. */
  onSettingsChange?: ((settings: { display: CellDisplay; chart?: ChartSettings }) => void) | undefined;
}) {
  // A reader may still switch and change the chart; only an editor's changes are saved with the cell.
  const [localTab, setLocalTab] = useState<CellDisplay>(display ?? 'table');
  const [localChart, setLocalChart] = useState<ChartSettings | undefined>(chart);
  const tab = onSettingsChange ? (display ?? 'table') : localTab;
  const shownChart = onSettingsChange ? chart : localChart;
  const setTab = (next: 'grid' | 'chart') => {
    const value: CellDisplay = next === 'grid' ? 'table' : 'chart';
    if (onSettingsChange) onSettingsChange({ display: value, ...(chart ? { chart } : {}) });
    else setLocalTab(value);
  };
  const setChart = (next: ChartSettings) => {
    if (onSettingsChange) onSettingsChange({ display: 'chart', chart: next });
    else setLocalChart(next);
  };
  const [notice, setNotice] = useState<string | null>(null);
  const { table } = result;
  const versions = Object.entries(result.versions)
    .map(([view, version]) => `${view} v${version}`)
    .join(', ');

  const exportParquet = async () => {
    try {
      downloadBytes(await toParquet(table), `${fileStem}.parquet`, 'application/vnd.apache.parquet');
    } catch (error) {
      setNotice(`Parquet export failed: ${(error as Error).message}`);
    }
  };
  const exportXlsx = () => {
    try {
      downloadBytes(toXlsx(table, fileStem), `${fileStem}.xlsx`, XLSX_MIME_TYPE);
    } catch (error) {
      setNotice(`Excel export failed: ${(error as Error).message}`);
    }
  };
  const copy = async () => {
    await navigator.clipboard.writeText(toCsv(table).replace(/,/g, '\t'));
    setNotice('Copied as tab-separated text');
  };

  return (
    <div className="wb-result" data-testid="cell-result">
      <div className="wb-result-bar">
        <span data-testid="row-count">
          {table.numRows.toLocaleString()} row{table.numRows === 1 ? '' : 's'}
        </span>
        <span data-testid="elapsed" data-ms={Math.round(result.elapsedMs)}>
          {(result.elapsedMs / 1000).toFixed(result.elapsedMs < 1000 ? 3 : 2)} s
        </span>
        <span className="wb-badge">
          {result.runOn === 'server' ? 'server (native DuckDB)' : 'browser (DuckDB-WASM)'}
        </span>
        {versions ? <span className="wb-muted">{versions}</span> : null}
        <span className="wb-spacer" />
        <div className="wb-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'table'} onClick={() => setTab('grid')}>
            Table
          </button>
          <button type="button" role="tab" aria-selected={tab === 'chart'} onClick={() => setTab('chart')}>
            Chart
          </button>
        </div>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => downloadBytes(toCsv(table), `${fileStem}.csv`, 'text/csv')}>
          CSV
        </button>
        <button type="button" onClick={exportXlsx} title="Excel workbook with typed columns">
          Excel
        </button>
        <button type="button" onClick={() => void exportParquet()}>
          Parquet
        </button>
        <button
          type="button"
          onClick={() =>
            downloadBytes(toArrowIpc(table), `${fileStem}.arrow`, 'application/vnd.apache.arrow.file')
          }
        >
          Arrow
        </button>
      </div>
      {result.truncated && result.runOn === 'browser' ? (
        <p className="wb-warning" role="status" data-testid="result-too-large">
          The result was stopped at {table.numRows.toLocaleString()} rows to keep this tab responsive. Add a
          LIMIT or an aggregate, or run the cell on the server, where DuckDB does the work and only the result
          travels.{' '}
          {onRunOnServer ? (
            <button type="button" onClick={onRunOnServer} data-testid="rerun-on-server">
              Run on server
            </button>
          ) : null}
        </p>
      ) : null}
      {result.truncated && result.runOn === 'server' ? (
        <p className="wb-warning" role="status" data-testid="result-too-large">
          The server sent the first {table.numRows.toLocaleString()} rows, as many as this tab can hold. Add a
          LIMIT or an aggregate to see the rest in smaller pieces.
        </p>
      ) : null}
      {notice ? <p className="wb-muted">{notice}</p> : null}
      {tab === 'table' ? (
        <ResultGrid table={table} />
      ) : (
        <ResultChart table={table} settings={shownChart} onChange={setChart} />
      )}
    </div>
  );
}
