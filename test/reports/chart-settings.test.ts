// Saved chart settings: through the notebook file and the API's schema and back unchanged, malformed ones left
// out rather than failing the notebook, and the one chart builder drawing what the settings say.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { notebookBodySchema } from '../../server/api/workbench/notebooks';
import {
  decodeChartSettings,
  encodeChartSettings,
  type ChartSettings,
} from '../../server/notebooks/chart-settings';
import { parseNotebook, serializeNotebook } from '../../server/notebooks/notebook-format';
import type { Notebook } from '../../server/notebooks/types';
import {
  buildChartConfig,
  fitChartSettings,
  summarizeChart,
} from '../../app/_workbench/results/chart-config';

const chart: ChartSettings = {
  kind: 'line',
  x: 'day of "week"',
  y: ['permits', 'fees=total'],
  series: 'district',
  title: 'Permits % by day, 2026 — all districts',
};

const notebook = (cells: Notebook['cells']): Notebook => ({
  id: 'n1',
  title: 'Charts',
  parameters: [],
  cells,
});

test('chart settings and display survive the notebook file', () => {
  const original = notebook([
    { id: 'c1', kind: 'sql', name: 'by_day', runOn: 'browser', display: 'chart', chart, source: 'SELECT 1' },
    { id: 'c2', kind: 'sql', runOn: 'server', source: 'SELECT 2' },
  ]);
  const text = serializeNotebook(original);
  const marker = text.split('\n').find((line) => line.startsWith('-- %% sql id=c1')) as string;
  // One marker line, attributes without white space.
  assert.match(marker, /^-- %% sql id=c1 name=by_day run=browser display=chart chart=\S+$/);
  assert.deepEqual(parseNotebook('n1', text), original);
  // A cell without settings writes none.
  assert.match(text, /^-- %% sql id=c2 run=server$/m);
});

test('the API schema accepts saved settings and refuses malformed ones', () => {
  const body = {
    title: 'x',
    parameters: [],
    cells: [{ id: 'c1', kind: 'sql', source: '', display: 'chart', chart }],
  };
  assert.deepEqual(notebookBodySchema.parse(body).cells[0]?.chart, chart);
  for (const bad of [
    { ...chart, kind: 'pie' },
    { ...chart, x: '' },
    { ...chart, y: 'permits' },
    { ...chart, extra: 1 },
    { ...chart, y: Array.from({ length: 13 }, (_, i) => `c${i}`) },
  ]) {
    const result = notebookBodySchema.safeParse({ ...body, cells: [{ ...body.cells[0], chart: bad }] });
    assert.equal(result.success, false, JSON.stringify(bad));
  }
  assert.equal(
    notebookBodySchema.safeParse({ ...body, cells: [{ ...body.cells[0], display: 'pie' }] }).success,
    false,
  );
});

test('a malformed chart attribute is left out, the cell kept', () => {
  assert.equal(decodeChartSettings('%7Bnot json'), null);
  assert.equal(decodeChartSettings(encodeURIComponent(JSON.stringify({ kind: 'pie', x: 'a', y: [] }))), null);
  const parsed = parseNotebook(
    'n1',
    '-- Notebook: t\n\n-- %% sql id=c1 run=browser chart=%7Bbroken\nSELECT 1\n',
  );
  assert.deepEqual(parsed.cells, [{ id: 'c1', kind: 'sql', runOn: 'browser', source: 'SELECT 1' }]);
  assert.deepEqual(decodeChartSettings(encodeChartSettings(chart)), chart);
});

test('the chart builder draws the saved columns, split by series', () => {
  const table = tableFromArrays({
    day: ['mon', 'mon', 'tue', 'tue'],
    district: ['north', 'south', 'north', 'south'],
    permits: Float64Array.from([1, 2, 3, 4]),
    fees: Float64Array.from([10, 20, 30, 40]),
  });
  const split = summarizeChart(
    buildChartConfig(table, { kind: 'bar', x: 'day', y: ['permits'], series: 'district' }),
  );
  assert.deepEqual(split, {
    labels: 2,
    datasets: [
      { label: 'north', points: 2, total: 4 },
      { label: 'south', points: 2, total: 6 },
    ],
  });
  const two = summarizeChart(buildChartConfig(table, { kind: 'line', x: 'day', y: ['permits', 'fees'] }));
  assert.deepEqual(
    two.datasets.map((d) => [d.label, d.total]),
    [
      ['permits', 10],
      ['fees', 100],
    ],
  );
  // A column the query no longer returns falls back to the default; the rest of the settings stay.
  assert.deepEqual(fitChartSettings(table, { kind: 'line', x: 'gone', y: ['fees'], title: 'T' }), {
    kind: 'line',
    x: 'day',
    y: ['fees'],
    title: 'T',
  });
});
