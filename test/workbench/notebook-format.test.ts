// The notebook file format: readable, diffable, and a lossless round trip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNotebook, serializeNotebook } from '../../server/notebooks/notebook-format';
import type { Notebook } from '../../server/notebooks/types';

const notebook: Notebook = {
  id: 'permits-week-1a2b3c',
  title: 'Permits this week',
  parameters: [{ name: 'since', type: 'date', default: '2026-11-01', required: true }],
  cells: [
    { id: 'c1', kind: 'markdown', source: '# Findings\n\nPermits by *district*.' },
    {
      id: 'c2',
      kind: 'sql',
      name: 'recent',
      runOn: 'browser',
      source: 'SELECT *\nFROM permits\nWHERE issued_at >= {{since}}',
    },
    {
      id: 'c3',
      kind: 'sql',
      runOn: 'server',
      source: '-- %% sql looks like a marker\nSELECT count(*) FROM recent',
    },
    { id: 'c4', kind: 'sql', runOn: 'browser', source: '' },
  ],
};

test('a notebook is a readable .sql file', () => {
  assert.equal(
    serializeNotebook(notebook),
    [
      '-- Notebook: Permits this week',
      '-- Parameters: [{"name":"since","type":"date","default":"2026-11-01","required":true}]',
      '',
      '-- %% markdown id=c1',
      '-- # Findings',
      '--',
      '-- Permits by *district*.',
      '',
      '-- %% sql id=c2 name=recent run=browser',
      'SELECT *',
      'FROM permits',
      'WHERE issued_at >= {{since}}',
      '',
      '-- %% sql id=c3 run=server',
      ' -- %% sql looks like a marker',
      'SELECT count(*) FROM recent',
      '',
      '-- %% sql id=c4 run=browser',
      '',
    ].join('\n'),
  );
});

test('reading a file gives back the same notebook', () => {
  assert.deepEqual(parseNotebook(notebook.id, serializeNotebook(notebook)), notebook);
});

test('hand-edited files are read leniently', () => {
  const parsed = parseNotebook(
    'x',
    '-- %% sql name=bad-name\r\nSELECT 1\r\n\r\n\r\n-- %% markdown\r\n-- hi\r\n',
  );
  assert.equal(parsed.title, 'x');
  assert.deepEqual(parsed.cells, [
    { id: 'c1', kind: 'sql', runOn: 'auto', source: 'SELECT 1' },
    { id: 'c2', kind: 'markdown', source: 'hi' },
  ]);
});

test('a SQL cell without a stored run target opens as Auto; a stored choice is kept', () => {
  const parsed = parseNotebook(
    'x',
    [
      '-- %% sql id=c1',
      'SELECT 1',
      '-- %% sql id=c2 run=browser',
      'SELECT 2',
      '-- %% sql id=c3 run=server',
      'SELECT 3',
      '-- %% sql id=c4 run=auto',
      'SELECT 4',
      '-- %% sql id=c5 run=gpu',
      'SELECT 5',
    ].join('\n'),
  );
  assert.deepEqual(
    parsed.cells.map((cell) => cell.runOn),
    ['auto', 'browser', 'server', 'auto', 'auto'],
  );
  // Auto is written as such, so the next read gives Auto again.
  const cells = [{ id: 'c1', kind: 'sql' as const, runOn: 'auto' as const, source: 'SELECT 1' }];
  const text = serializeNotebook({ ...notebook, cells });
  assert.match(text, /^-- %% sql id=c1 run=auto$/m);
  assert.deepEqual(parseNotebook(notebook.id, text).cells, cells);
});

test('a collapsed cell keeps `collapsed=1` on its marker, whatever its kind', () => {
  const folded: Notebook = {
    ...notebook,
    cells: [
      { id: 'c1', kind: 'markdown', collapsed: true, source: '# Notes' },
      { id: 'c2', kind: 'sql', name: 'recent', runOn: 'browser', collapsed: true, source: 'SELECT 1' },
      { id: 'c3', kind: 'sql', runOn: 'browser', source: 'SELECT 2' },
    ],
  };
  const text = serializeNotebook(folded);
  assert.match(text, /^-- %% markdown id=c1 collapsed=1$/m);
  assert.match(text, /^-- %% sql id=c2 name=recent run=browser collapsed=1$/m);
  assert.match(text, /^-- %% sql id=c3 run=browser$/m);
  assert.deepEqual(parseNotebook(folded.id, text), folded);
});
