// The Chart.js configuration of a result under saved chart settings (server/notebooks/chart-settings.ts): the one
// builder the workbench's cells and the published report both draw with, so a report shows the editor's chart.

import type { Field, Table } from 'apache-arrow';
import type { ChartConfiguration } from 'chart.js';
import type { ChartSettings } from '@/server/notebooks/chart-settings';
import { describeColumns, formatValue, readColumn, toNumber } from './result-data';

export const MAX_POINTS = 50_000;
const BINS = 30;
/** At most this many datasets from a series column; the rest of its values are left out (and said so). */
export const MAX_SERIES = 20;
const PALETTE = ['#2f6fb0', '#d9822b', '#3a9a5b', '#b03a48', '#7d5ba6', '#8c6d31', '#c35fa8', '#5f7c8a'];

/** Settings for a result that has none saved: a bar chart of the first numeric column by the first column. */
export function defaultChartSettings(table: Table): ChartSettings {
  const columns = describeColumns(table);
  const numeric = columns.find((c) => c.numeric) ?? columns[0];
  return { kind: 'bar', x: columns[0]?.name ?? '', y: numeric ? [numeric.name] : [] };
}

/**
 * Saved settings checked against the result's columns: a column that is gone falls back to the default's, so a
 * changed query still draws something and the settings say what was drawn.
 */
export function fitChartSettings(table: Table, saved: ChartSettings | undefined): ChartSettings {
  const fallback = defaultChartSettings(table);
  if (!saved) return fallback;
  const names = new Set(table.schema.fields.map((field) => field.name));
  const y = saved.y.filter((name) => names.has(name));
  return {
    kind: saved.kind,
    x: names.has(saved.x) ? saved.x : fallback.x,
    y: y.length > 0 || saved.kind === 'histogram' ? y : fallback.y,
    ...(saved.series !== undefined && names.has(saved.series) ? { series: saved.series } : {}),
    ...(saved.title ? { title: saved.title } : {}),
  };
}

function fieldIndex(table: Table, name: string | undefined): number {
  return name === undefined ? -1 : table.schema.fields.findIndex((field) => field.name === name);
}

const colorAt = (index: number) => PALETTE[index % PALETTE.length] as string;

export function buildChartConfig(table: Table, settings: ChartSettings): ChartConfiguration | null {
  const x = fieldIndex(table, settings.x);
  if (x < 0) return null;
  const xField = table.schema.fields[x] as Field;
  const rows = Math.min(table.numRows, MAX_POINTS);
  const xs = readColumn(table, x).slice(0, rows);
  const title = settings.title ? { title: { display: true, text: settings.title } } : {};
  const plugins = { plugins: { ...title, legend: { display: true } } };
  if (settings.kind === 'histogram') {
    const values = xs.map((v) => toNumber(v, xField)).filter((v): v is number => v !== null);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const width = (max - min) / BINS || 1;
    const counts = new Array<number>(BINS).fill(0);
    for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]! += 1;
    return {
      type: 'bar',
      data: {
        labels: counts.map((_, i) => (min + i * width).toPrecision(4)),
        datasets: [{ label: `${xField.name} (count)`, data: counts, backgroundColor: colorAt(0) }],
      },
      options: {
        animation: false,
        ...plugins,
        scales: { x: { title: { display: true, text: xField.name } } },
      },
    };
  }
  const yIndexes = settings.y.map((name) => fieldIndex(table, name)).filter((i) => i >= 0);
  if (yIndexes.length === 0) return null;
  const seriesIndex = fieldIndex(table, settings.series);
  // With a series column, the first y column is split by its values; otherwise one dataset per y column.
  const groups: { label: string; y: number; rows: number[] | null }[] = [];
  if (seriesIndex >= 0) {
    const seriesField = table.schema.fields[seriesIndex] as Field;
    const seriesValues = readColumn(table, seriesIndex).slice(0, rows);
    const byValue = new Map<string, number[]>();
    seriesValues.forEach((value, row) => {
      const key = value === null || value === undefined ? '(null)' : formatValue(value, seriesField);
      let list = byValue.get(key);
      if (!list) {
        if (byValue.size >= MAX_SERIES) return;
        list = [];
        byValue.set(key, list);
      }
      list.push(row);
    });
    for (const [label, list] of byValue) groups.push({ label, y: yIndexes[0] as number, rows: list });
  } else {
    for (const y of yIndexes) groups.push({ label: table.schema.fields[y]?.name ?? '', y, rows: null });
  }
  const columns = new Map<number, unknown[]>();
  const valuesOf = (index: number) => {
    let values = columns.get(index);
    if (!values) {
      values = readColumn(table, index).slice(0, rows);
      columns.set(index, values);
    }
    return values;
  };
  if (settings.kind === 'scatter') {
    return {
      type: 'scatter',
      data: {
        datasets: groups.map((group, i) => {
          const ys = valuesOf(group.y);
          const yField = table.schema.fields[group.y];
          const at = group.rows ?? xs.map((_, row) => row);
          return {
            label: group.label,
            data: at.map((row) => ({
              x: toNumber(xs[row], xField) ?? NaN,
              y: toNumber(ys[row], yField) ?? NaN,
            })),
            backgroundColor: colorAt(i),
          };
        }),
      },
      options: { animation: false, ...plugins },
    };
  }
  // Bar and line: one label per row; split into series, one label per distinct x (in first-seen order) and each
  // series' value at that label.
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const labelOf = xs.map((value) => {
    const label = formatValue(value, xField);
    let index = seriesIndex >= 0 ? labelIndex.get(label) : undefined;
    if (index === undefined) {
      index = labels.length;
      labels.push(label);
      labelIndex.set(label, index);
    }
    return index;
  });
  return {
    type: settings.kind,
    data: {
      labels,
      datasets: groups.map((group, i) => {
        const ys = valuesOf(group.y);
        const yField = table.schema.fields[group.y];
        const data = new Array<number | null>(labels.length).fill(null);
        for (const row of group.rows ?? xs.map((_, r) => r)) {
          data[labelOf[row] as number] = toNumber(ys[row], yField);
        }
        return {
          label: group.label,
          data,
          backgroundColor: colorAt(i),
          borderColor: colorAt(i),
          pointRadius: rows > 500 ? 0 : 2,
        };
      }),
    },
    options: { animation: false, ...plugins },
  };
}

/**
 * What a chart draws, in a few numbers per dataset, written on the chart's element so tests and tools can compare
 * two charts (the editor's and a report's) without reading pixels.
 */
export function summarizeChart(config: ChartConfiguration | null): {
  labels: number;
  datasets: { label: string; points: number; total: number }[];
} {
  if (!config) return { labels: 0, datasets: [] };
  return {
    labels: config.data.labels?.length ?? 0,
    datasets: config.data.datasets.map((dataset) => {
      const data = dataset.data as unknown[];
      let total = 0;
      for (const v of data) {
        if (typeof v === 'number' && Number.isFinite(v)) total += v;
        else if (v && typeof v === 'object' && typeof (v as { y?: unknown }).y === 'number') {
          const y = (v as { y: number }).y;
          if (Number.isFinite(y)) total += y;
        }
      }
      return {
        label: String(dataset.label ?? ''),
        points: data.length,
        total: Math.round(total * 1e6) / 1e6,
      };
    }),
  };
}
