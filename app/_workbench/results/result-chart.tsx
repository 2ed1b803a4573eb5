'use client';
// Charts of a result with Chart.js 4 (canvas, so 100k points stay responsive; tree-shakable; MIT; no network).

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
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { describeColumns, formatValue, readColumn, toNumber } from './result-data';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  Legend,
);

export type ChartKind = 'bar' | 'line' | 'scatter' | 'histogram';
const MAX_POINTS = 50_000;
const BINS = 30;

function buildConfig(table: Table, kind: ChartKind, x: number, y: number): ChartConfiguration {
  const xField = table.schema.fields[x];
  const yField = table.schema.fields[y];
  const rows = Math.min(table.numRows, MAX_POINTS);
  const xs = readColumn(table, x).slice(0, rows);
  const ys = readColumn(table, y).slice(0, rows);
  const color = '#2f6fb0';
  if (kind === 'histogram') {
    const values = xs.map((v) => toNumber(v, xField)).filter((v): v is number => v !== null);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const width = (max - min) / BINS || 1;
    const counts = new Array<number>(BINS).fill(0);
    for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]! += 1;
    return {
      type: 'bar',
      data: {
        labels: counts.map((_, i) => (min + i * width).toPrecision(4)),
        datasets: [{ label: `${xField?.name} (count)`, data: counts, backgroundColor: color }],
      },
      options: { animation: false, scales: { x: { title: { display: true, text: xField?.name ?? '' } } } },
    };
  }
  if (kind === 'scatter') {
    const points = xs.map((v, i) => ({ x: toNumber(v, xField) ?? NaN, y: toNumber(ys[i], yField) ?? NaN }));
    return {
      type: 'scatter',
      data: {
        datasets: [{ label: `${yField?.name} by ${xField?.name}`, data: points, backgroundColor: color }],
      },
      options: { animation: false },
    };
  }
  return {
    type: kind,
    data: {
      labels: xs.map((v) => (xField ? formatValue(v, xField) : String(v))),
      datasets: [
        {
          label: yField?.name ?? '',
          data: ys.map((v) => toNumber(v, yField)),
          backgroundColor: color,
          borderColor: color,
          pointRadius: rows > 500 ? 0 : 2,
        },
      ],
    },
    options: { animation: false },
  };
}

export function ResultChart({ table }: { table: Table }) {
  const columns = useMemo(() => describeColumns(table), [table]);
  const firstNumeric = columns.find((c) => c.numeric)?.index ?? 0;
  const [kind, setKind] = useState<ChartKind>('bar');
  const [x, setX] = useState(0);
  const [y, setY] = useState(firstNumeric);
  const canvas = useRef<HTMLCanvasElement>(null);

  const config = useMemo(
    () => (columns.length === 0 ? null : buildConfig(table, kind, x, y)),
    [table, kind, x, y, columns.length],
  );
  useEffect(() => {
    if (!canvas.current || !config) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  // What is drawn, as attributes, so tests and tools can check a chart without reading pixels.
  const drawn = (config?.data.datasets[0]?.data ?? []) as unknown[];
  const total = drawn.reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0);

  const select = (label: string, value: number, onChange: (v: number) => void) => (
    <label>
      {label}{' '}
      <select value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {columns.map((c) => (
          <option key={c.index} value={c.index}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div
      className="wb-chart"
      data-testid="result-chart"
      data-kind={kind}
      data-points={drawn.length}
      data-total={total}
    >
      <div className="wb-chart-controls">
        <label>
          Chart{' '}
          <select
            value={kind}
            onChange={(event) => {
              const next = event.target.value as ChartKind;
              // A histogram counts numbers: start it on a numeric column rather than drawing nothing.
              if (next === 'histogram' && !columns[x]?.numeric) setX(firstNumeric);
              setKind(next);
            }}
          >
            <option value="bar">Bar</option>
            <option value="line">Line</option>
            <option value="scatter">Scatter</option>
            <option value="histogram">Histogram</option>
          </select>
        </label>
        {select(kind === 'histogram' ? 'Values' : 'X', x, setX)}
        {kind !== 'histogram' ? select('Y', y, setY) : null}
        {table.numRows > MAX_POINTS ? <span>first {MAX_POINTS.toLocaleString()} rows</span> : null}
      </div>
      <canvas ref={canvas} aria-label={`${kind} chart of the result`} role="img" />
    </div>
  );
}
