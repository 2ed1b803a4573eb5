// A notebook on disk is one .sql file that reads well in a diff and runs in any SQL tool: a header, then each cell
// after a `-- %%` marker line. SQL cells are plain SQL; Markdown cells are comment lines.
//
//   -- Notebook: Permits this week
//   -- Parameters: [{"name":"since","type":"date","default":"2026-11-01"}]
//
//   -- %% sql id=c1 name=recent run=browser
//   SELECT * FROM permits WHERE issued_at >= {{since}}
//
// Files written before typed parameters have `-- Parameters: {"since":"'2026-11-01'"}`: read as text parameters
// with those defaults (./parameter-defs.ts).
//
//   -- %% markdown id=c2
//   -- # Findings
//
// What a cell's marker attributes and body look like depends on its kind: see ./cells/<kind>.ts. One attribute is
// every kind's: `collapsed=1` for a cell shown folded.

import { CELL_FORMATS, CELL_KINDS, type CellKind } from './cell-kinds';
import { normalizeParameterDefs } from './parameter-defs';
import type { ParameterDef } from './parameter-types';
import type { Notebook, NotebookCell } from './types';

const MARKER = new RegExp(`^-- %% (${CELL_KINDS.join('|')})((?: [a-z]+=[^\\s]*)*)\\s*$`);
const CELL_ID = /^[A-Za-z0-9_-]{1,40}$/;

export function serializeNotebook(notebook: Notebook): string {
  const out = [`-- Notebook: ${notebook.title.replace(/\s*\n\s*/g, ' ')}`];
  if (notebook.parameters.length > 0) {
    out.push(`-- Parameters: ${JSON.stringify(notebook.parameters)}`);
  }
  for (const cell of notebook.cells) {
    out.push('');
    const format = CELL_FORMATS[cell.kind];
    const attributes = [
      `id=${cell.id}`,
      ...format.writeAttributes(cell),
      ...(cell.collapsed ? ['collapsed=1'] : []),
    ];
    out.push(`-- %% ${cell.kind} ${attributes.join(' ')}`);
    out.push(...format.writeBody(cell.source.replace(/\s+$/, '')));
  }
  return `${out.join('\n')}\n`;
}

function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const part of text.trim().split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) attributes[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return attributes;
}

export function parseNotebook(id: string, text: string): Notebook {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let title = id;
  let parameters: ParameterDef[] = [];
  const cells: NotebookCell[] = [];
  let current: { cell: NotebookCell; lines: string[] } | null = null;
  const finish = () => {
    if (!current) return;
    const body = current.lines.join('\n').replace(/\s+$/, '').replace(/^\n+/, '');
    current.cell.source = body;
    cells.push(current.cell);
  };
  for (const line of lines) {
    const marker = MARKER.exec(line);
    if (marker) {
      finish();
      // The marker pattern only matches listed kinds.
      const kind = marker[1] as CellKind;
      const attributes = readAttributes(marker[2] ?? '');
      const cellId = attributes.id && CELL_ID.test(attributes.id) ? attributes.id : `c${cells.length + 1}`;
      const cell: NotebookCell = {
        ...CELL_FORMATS[kind].readAttributes(attributes),
        ...(attributes.collapsed === '1' ? { collapsed: true } : {}),
        id: cellId,
        kind,
        source: '',
      };
      current = { cell, lines: [] };
      continue;
    }
    if (!current) {
      const header = /^-- (Notebook|Parameters): (.*)$/.exec(line);
      if (header?.[1] === 'Notebook') title = (header[2] ?? '').trim() || id;
      if (header?.[1] === 'Parameters') parameters = parseParameters(header[2] ?? '');
      continue;
    }
    current.lines.push(CELL_FORMATS[current.cell.kind].readLine(line));
  }
  finish();
  return { id, title, parameters, cells };
}

function parseParameters(text: string): ParameterDef[] {
  try {
    return normalizeParameterDefs(JSON.parse(text) as unknown);
  } catch {
    return [];
  }
}
