'use client';
// Charts of a result with Chart.js 4 (canvas, so 100k points stay responsive; tree-shakable; MIT; no network).
// Drawn from saved settings (server/notebooks/chart-settings.ts) by chart-config.ts; the workbench passes
// onChange so the settings are saved with the cell, a report passes none and shows the chart read-only.

import type { Table } from 'apache-arrow';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
} from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import type { ChartKind, ChartSettings } from '@/server/notebooks/chart-settings';
import { buildChartConfig, fitChartSettings, MAX_POINTS, summarizeChart } from './chart-config';
import { describeColumns } from './result-data';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  Legend,
);

export type { ChartKind };

export function ResultChart({
  table,
  settings: saved,
  onChange,
}: {
  table: Table;
  /** The cell's saved settings; absent: a default chart. */
  settings?: ChartSettings | undefined;
  /** Saves changed settings with the cell; absent (a report, a read-only viewer): no controls. */
  onChange?: ((settings: ChartSettings) => void) | undefined;
}) {
  const columns = useMemo(() => describeColumns(table), [table]);
  const settings = useMemo(() => fitChartSettings(table, saved), [table, saved]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const config = useMemo(
    () => (columns.length === 0 ? null : buildChartConfig(table, settings)),
    [table, settings, columns.length],
  );
  useEffect(() => {
    if (!canvas.current || !config) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  // What is drawn, as attributes, so tests and tools can check a chart without reading pixels.
  const drawn = (config?.data.datasets[0]?.data ?? []) as unknown[];
  const total = drawn.reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0);
  const change = (next: Partial<ChartSettings>) => onChange?.({ ...settings, ...next });
  const firstNumeric = columns.find((c) => c.numeric)?.name ?? columns[0]?.name ?? '';

  const select = (label: string, value: string, set: (v: string) => void, none?: string) => (
    <label>
      {label}{' '}
      <select value={value} onChange={(event) => set(event.target.value)}>
        {none !== undefined ? <option value="">{none}</option> : null}
        {columns.map((c) => (
          <option key={c.index} value={c.name}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
  const setY = (index: number, name: string) => {
    const y = [...settings.y];
    if (name === '') y.splice(index, 1);
    else y[index] = name;
    change({ y: [...new Set(y)] });
  };

  return (
    <div
      className="wb-chart"
      data-testid="result-chart"
      data-kind={settings.kind}
      data-points={drawn.length}
      data-total={total}
      data-settings={JSON.stringify(settings)}
      data-summary={JSON.stringify(summarizeChart(config))}
    >
      {onChange ? (
        <div className="wb-chart-controls">
          <label>
            Chart{' '}
            <select
              value={settings.kind}
              onChange={(event) => {
                const kind = event.target.value as ChartKind;
                // A histogram counts numbers: start it on a numeric column rather than drawing nothing.
                const numericX = columns.find((c) => c.name === settings.x)?.numeric;
                change(kind === 'histogram' && !numericX ? { kind, x: firstNumeric } : { kind });
              }}
            >
              <option value="bar">Bar</option>
              <option value="line">Line</option>
              <option value="scatter">Scatter</option>
              <option value="histogram">Histogram</option>
            </select>
          </label>
          {select(settings.kind === 'histogram' ? 'Values' : 'X', settings.x, (x) => change({ x }))}
          {settings.kind !== 'histogram' ? select('Y', settings.y[0] ?? '', (name) => setY(0, name)) : null}
          {settings.kind !== 'histogram' && settings.series === undefined
            ? select('and', settings.y[1] ?? '', (name) => setY(1, name), '(none)')
            : null}
          {settings.kind !== 'histogram'
            ? select(
                'Series',
                settings.series ?? '',
                (series) => {
                  const { series: _drop, ...rest } = settings;
                  onChange(series === '' ? rest : { ...rest, series, y: settings.y.slice(0, 1) });
                },
                '(none)',
              )
            : null}
          <label>
            Title{' '}
            <input
              type="text"
              value={settings.title ?? ''}
              maxLength={200}
              onChange={(event) => {
                const { title: _drop, ...rest } = settings;
                onChange(event.target.value === '' ? rest : { ...rest, title: event.target.value });
              }}
            />
          </label>
          {table.numRows > MAX_POINTS ? <span>first {MAX_POINTS.toLocaleString()} rows</span> : null}
        </div>
      ) : null}
      <canvas ref={canvas} aria-label={settings.title ?? `${settings.kind} chart of the result`} role="img" />
    </div>
  );
}
