// The cell-kind registry drives the notebook file format: every listed kind has a format module, round-trips
// through the .sql file with awkward sources, and is accepted by the API's schema; other kinds are not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CELL_FORMATS, CELL_KINDS, isCellKind } from '../../server/notebooks/cell-kinds';
import { parseNotebook, serializeNotebook } from '../../server/notebooks/notebook-format';
import type { Notebook, NotebookCell } from '../../server/notebooks/types';
import { notebookBodySchema } from '../../server/api/workbench/notebooks';

// Sources that have broken line-based formats before: blank lines inside, marker look-alikes, comment dashes,
// indentation. (Trailing white space and leading blank lines are trimmed by design.)
const SOURCES = [
  '',
  'one line',
  'first\n\nthird',
  '-- %% sql id=x looks like a marker',
  '-- %% markdown id=y\n--\n-- a comment',
  '  indented\n\ttabbed',
];

// Marker attributes a hand-written file might carry; each kind keeps what it understands.
const ATTRIBUTE_SETS: Record<string, string>[] = [{}, { name: 'totals', run: 'server' }, { run: 'browser' }];

function sampleCells(): NotebookCell[] {
  return CELL_KINDS.flatMap((kind) =>
    ATTRIBUTE_SETS.flatMap((attributes, a) =>
      SOURCES.map((source, s) => ({
        ...CELL_FORMATS[kind].readAttributes(attributes),
        id: `${kind}-${a}-${s}`,
        kind,
        source,
      })),
    ),
  );
}

test('every listed kind has a file format registered under its own name', () => {
  assert.ok(CELL_KINDS.length >= 2);
  assert.deepEqual(Object.keys(CELL_FORMATS).sort(), [...CELL_KINDS].sort());
  for (const kind of CELL_KINDS) assert.equal(CELL_FORMATS[kind].kind, kind);
});

test('every kind round-trips through the notebook file', () => {
  const notebook: Notebook = { id: 'kinds', title: 'All kinds', parameters: [], cells: sampleCells() };
  const text = serializeNotebook(notebook);
  for (const kind of CELL_KINDS) {
    assert.match(
      text,
      new RegExp(`^-- %% ${kind} id=${kind}-0-0`, 'm'),
      `${kind} cells get a ${kind} marker`,
    );
  }
  const parsed = parseNotebook(notebook.id, text);
  assert.equal(parsed.cells.length, notebook.cells.length, 'no source line was read as a marker');
  assert.deepEqual(parsed, notebook);
  assert.equal(serializeNotebook(parsed), text, 'writing what was read gives the same bytes');
});

test('the kind attributes a format reads are the ones it writes', () => {
  for (const kind of CELL_KINDS) {
    const format = CELL_FORMATS[kind];
    const cell = { ...format.readAttributes({ name: 'totals', run: 'server' }), id: 'c1', kind, source: '' };
    const attributes = Object.fromEntries(format.writeAttributes(cell).map((pair) => pair.split('=')));
    assert.deepEqual(
      format.readAttributes(attributes),
      format.readAttributes({ name: 'totals', run: 'server' }),
    );
  }
});

test('the API accepts exactly the listed kinds', () => {
  const body = (kind: string) => ({ title: 't', cells: [{ id: 'c1', kind, source: 'x' }] });
  for (const kind of CELL_KINDS) {
    assert.ok(isCellKind(kind));
    assert.equal(notebookBodySchema.parse(body(kind)).cells[0]?.kind, kind);
  }
  for (const other of ['chart', 'SQL', '', 'python']) {
    assert.equal(notebookBodySchema.safeParse(body(other)).success, false, other);
    assert.equal(isCellKind(other), false, other);
  }
});

test('a marker of an unknown kind is not a cell boundary', () => {
  const parsed = parseNotebook('x', '-- %% sql id=c1 run=browser\nSELECT 1\n-- %% chart id=c2\n');
  assert.deepEqual(parsed.cells, [
    { id: 'c1', kind: 'sql', runOn: 'browser', source: 'SELECT 1\n-- %% chart id=c2' },
  ]);
});
