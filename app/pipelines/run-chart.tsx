'use client';
// Duration and rows extracted of a pipeline's last 50 finished runs, oldest to newest, with Chart.js (as the
// workbench's result charts): a run that took much longer or read far more rows than the ones around it stands
// out at a glance. Read from the runs API for this pipeline; fetched again when its newest run starts or ends.

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
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../_lib/api-client';
import type { RunView } from '../_lib/control-types';
import { formatTime } from '../_lib/format';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

export const CHART_RUNS = 50;

export interface RunPoint {
  id: string;
  startedAt: string;
  seconds: number;
  rows: number;
  status: string;
}

/** Finished runs (a running one has no duration yet), oldest first, at most the last 50. */
export function runPoints(runs: RunView[]): RunPoint[] {
  return runs
    .filter((run) => run.finishedAt !== null && run.status !== 'running')
    .slice(0, CHART_RUNS)
    .reverse()
    .map((run) => ({
      id: run.id,
      startedAt: String(run.startedAt),
      seconds: Math.max(0, (Date.parse(String(run.finishedAt)) - Date.parse(String(run.startedAt))) / 1000),
      rows: Number(run.progress.rowsExtracted ?? 0) || 0,
      status: run.status,
    }));
}

function chartConfig(points: RunPoint[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: points.map((p) => formatTime(p.startedAt)),
      datasets: [
        {
          type: 'bar',
          label: 'Rows extracted',
          data: points.map((p) => p.rows),
          backgroundColor: '#9ec5e8',
          yAxisID: 'rows',
        },
        {
          type: 'line',
          label: 'Duration (s)',
          data: points.map((p) => Number(p.seconds.toFixed(1))),
          borderColor: '#b04a2f',
          backgroundColor: '#b04a2f',
          pointRadius: 2,
          yAxisID: 'seconds',
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
        rows: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'rows' } },
        seconds: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'seconds' },
        },
      },
    },
  };
}

export function RunChart({ pipeline, refreshKey }: { pipeline: string; refreshKey: string }) {
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api
      .get<{ runs: RunView[] }>(
        `/api/runs?pipeline=${encodeURIComponent(pipeline)}&limit=${CHART_RUNS + 5}`,
        controller.signal,
      )
      .then((answer) => setRuns(answer.runs))
      .catch((e: Error) => {
        if (!controller.signal.aborted) setError(e.message);
      });
    return () => controller.abort();
  }, [pipeline, refreshKey]);
  const points = useMemo(() => (runs ? runPoints(runs) : []), [runs]);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || points.length === 0) return;
    const chart = new Chart(canvas.current, chartConfig(points));
    return () => chart.destroy();
  }, [points]);

  if (error) return <p className="form-error">Could not load the run chart: {error}</p>;
  if (runs === null || points.length === 0) return null;
  return (
    // What is drawn, as attributes, so tests and tools can check the chart without reading pixels.
    <figure
      className="run-chart"
      data-testid="run-chart"
      data-runs={points.length}
      data-seconds={points.map((p) => p.seconds.toFixed(1)).join(',')}
      data-rows={points.map((p) => p.rows).join(',')}
    >
      <div className="run-chart-canvas">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`Duration and rows extracted of the last ${points.length} runs of ${pipeline}`}
        />
      </div>
      <figcaption className="muted small">
        Last {points.length} finished run{points.length === 1 ? '' : 's'}: rows extracted (bars) and duration
        in seconds (line).
      </figcaption>
    </figure>
  );
}
