// Reads an .xlsx workbook into typed sheets: numbers, Dates for date-formatted cells, booleans and strings, the
// first row taken as the column names. Browser-safe (fflate + our tag walker), for uploads and for tests that read
// exports back. Written for what Excel, LibreOffice and our own writer produce: shared or inline strings, rich
// text runs, the 1900 and 1904 date systems, built-in and custom date formats.

import { unzipSync, strFromU8 } from 'fflate';
import { walkXml } from './xlsx-xml';
import { fromExcelSerial } from './xlsx-values';

export type XlsxValue = number | string | boolean | Date | null;

export interface XlsxSheet {
  name: string;
  /** Names from the first row; types in DuckDB's names: DOUBLE, BIGINT, DATE, TIMESTAMP, BOOLEAN, VARCHAR. */
  columns: { name: string; type: string }[];
  rows: XlsxValue[][];
}

export class XlsxReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XlsxReadError';
  }
}

type Parts = Record<string, Uint8Array>;

function part(parts: Parts, path: string): string | null {
  const bytes = parts[path.replace(/^\//, '')];
  return bytes ? strFromU8(bytes) : null;
}

/** Relationship id → target path, resolved against the folder of the part that owns them. */
function readRelationships(parts: Parts, owner: string): Map<string, { target: string; type: string }> {
  const folder = owner.includes('/') ? owner.slice(0, owner.lastIndexOf('/') + 1) : '';
  const relsPath = `${folder}_rels/${owner.slice(folder.length)}.rels`;
  const rels = new Map<string, { target: string; type: string }>();
  const xml = part(parts, relsPath);
  if (!xml) return rels;
  walkXml(xml, (tag) => {
    if (tag.name !== 'Relationship' || tag.closing || !tag.attrs.Id || !tag.attrs.Target) return;
    rels.set(tag.attrs.Id, { target: resolvePath(folder, tag.attrs.Target), type: tag.attrs.Type ?? '' });
  });
  return rels;
}

function resolvePath(folder: string, target: string): string {
  const segments = (target.startsWith('/') ? target.slice(1) : folder + target).split('/');
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
  }
  return out.join('/');
}

function readSharedStrings(xml: string | null): string[] {
  const strings: string[] = [];
  if (!xml) return strings;
  let text = '';
  let capture = false;
  let phonetic = 0;
  walkXml(
    xml,
    (tag) => {
      if (tag.name === 'si') {
        if (!tag.closing) text = '';
        if (tag.closing || tag.selfClosing) strings.push(text);
      } else if (tag.name === 'rPh') {
        if (!tag.selfClosing) phonetic += tag.closing ? -1 : 1;
      } else if (tag.name === 't') capture = !tag.closing && !tag.selfClosing && phonetic === 0;
    },
    (chunk) => {
      if (capture) text += chunk;
    },
  );
  return strings;
}

const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

export function isDateFormat(id: number, code: string | undefined): boolean {
  if (BUILTIN_DATE_FORMATS.has(id)) return true;
  if (!code) return false;
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '')
    .replace(/_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** Per cell style index: does it show a date? */
function readDateStyles(xml: string | null): boolean[] {
  if (!xml) return [];
  const formats = new Map<number, string>();
  const dateStyles: boolean[] = [];
  let inCellXfs = false;
  walkXml(xml, (tag) => {
    if (tag.name === 'numFmt' && !tag.closing)
      formats.set(Number(tag.attrs.numFmtId), tag.attrs.formatCode ?? '');
    else if (tag.name === 'cellXfs') inCellXfs = !tag.closing && !tag.selfClosing;
    else if (tag.name === 'xf' && inCellXfs && !tag.closing) {
      const id = Number(tag.attrs.numFmtId ?? 0);
      dateStyles.push(isDateFormat(id, formats.get(id)));
    }
  });
  return dateStyles;
}

/** 0-based column of a reference such as "AB12". */
function columnOfRef(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

interface SheetContext {
  strings: string[];
  dateStyles: boolean[];
  date1904: boolean;
}

function cellValue(type: string, style: number, text: string, ctx: SheetContext): XlsxValue {
  switch (type) {
    case 's':
      return ctx.strings[Number(text)] ?? null;
    case 'b':
      return text.trim() === '1' || text.trim().toLowerCase() === 'true';
    case 'str':
    case 'inlineStr':
    case 'e':
      return text;
    case 'd': {
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
      return Number.isNaN(date.getTime()) ? text : date;
    }
    default: {
      if (text.trim() === '') return null;
      const n = Number(text);
      if (!Number.isFinite(n)) return text;
      return ctx.dateStyles[style] ? fromExcelSerial(n, ctx.date1904) : n;
    }
  }
}

function readCells(xml: string, ctx: SheetContext): XlsxValue[][] {
  const rows: XlsxValue[][] = [];
  let row = -1;
  let col = -1;
  let type = 'n';
  let style = 0;
  let text = '';
  let capture = false;
  let phonetic = 0;
  walkXml(
    xml,
    (tag) => {
      switch (tag.name) {
        case 'row':
          if (!tag.closing) {
            row = tag.attrs.r ? Number(tag.attrs.r) - 1 : row + 1;
            col = -1;
          }
          break;
        case 'c':
          if (tag.closing) {
            const value = cellValue(type, style, text, ctx);
            if (value !== null && row >= 0 && col >= 0) (rows[row] ??= [])[col] = value;
          } else {
            col = tag.attrs.r ? columnOfRef(tag.attrs.r) : col + 1;
            type = tag.attrs.t ?? 'n';
            style = Number(tag.attrs.s ?? 0);
            text = '';
          }
          break;
        case 'rPh':
          if (!tag.selfClosing) phonetic += tag.closing ? -1 : 1;
          break;
        case 'v':
        case 't':
          capture = !tag.closing && !tag.selfClosing && phonetic === 0;
          break;
      }
    },
    (chunk) => {
      if (capture) text += chunk;
    },
  );
  return rows;
}

function inferType(values: XlsxValue[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return 'VARCHAR';
  if (present.every((v) => typeof v === 'number'))
    return present.every((v) => Number.isSafeInteger(v)) ? 'BIGINT' : 'DOUBLE';
  if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  if (present.every((v) => v instanceof Date))
    return present.every((v) => (v as Date).getTime() % 86_400_000 === 0) ? 'DATE' : 'TIMESTAMP';
  return 'VARCHAR';
}

function asText(value: XlsxValue): XlsxValue {
  if (value === null || typeof value === 'string') return value;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z')
      ? iso.slice(0, 10)
      : iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  return String(value);
}

/** First row → unique, non-blank column names; the rest → rows of the same width, typed per column. */
function toSheet(name: string, cells: XlsxValue[][]): XlsxSheet {
  let last = cells.length - 1;
  while (last >= 0 && !(cells[last] ?? []).some((v) => v !== undefined && v !== null)) last -= 1;
  const width = cells.slice(0, last + 1).reduce((max, row) => Math.max(max, row?.length ?? 0), 0);
  const header = cells[0] ?? [];
  const seen = new Set<string>();
  const names = Array.from({ length: width }, (_, i) => {
    const raw = asText(header[i] ?? null);
    const base = typeof raw === 'string' && raw.trim() ? raw.trim() : `column_${i + 1}`;
    let unique = base;
    for (let n = 2; seen.has(unique.toLowerCase()); n += 1) unique = `${base}_${n}`;
    seen.add(unique.toLowerCase());
    return unique;
  });
  // Array.from, not map: rows that were never written are holes in `cells`, which map would skip.
  const rows = Array.from({ length: Math.max(last, 0) }, (_, r) => {
    const row = cells[r + 1];
    return Array.from({ length: width }, (_, i) => row?.[i] ?? null) as XlsxValue[];
  });
  const columns = names.map((columnName, i) => {
    const type = inferType(rows.map((row) => row[i] ?? null));
    // A column of mixed kinds is text throughout, so it loads as one VARCHAR column.
    if (type === 'VARCHAR') for (const row of rows) row[i] = asText(row[i] ?? null);
    return { name: columnName, type };
  });
  return { name, columns, rows };
}

/** The sheets of an .xlsx file, in workbook order. Throws XlsxReadError for anything that is not one. */
export function readXlsx(bytes: Uint8Array): XlsxSheet[] {
  let parts: Parts;
  try {
    parts = unzipSync(bytes);
  } catch (error) {
    throw new XlsxReadError('This is not an Excel .xlsx file (it is not a zip archive).', { cause: error });
  }
  const rootRels = readRelationships(parts, '');
  const workbookPath =
    [...rootRels.values()].find((rel) => rel.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const workbook = part(parts, workbookPath);
  if (!workbook)
    throw new XlsxReadError(
      'This is not an Excel .xlsx file (it has no workbook; .xls and .ods are not read).',
    );
  const rels = readRelationships(parts, workbookPath);
  const relOfType = (suffix: string) => [...rels.values()].find((rel) => rel.type.endsWith(suffix))?.target;
  const folder = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const ctx: SheetContext = {
    strings: readSharedStrings(part(parts, relOfType('/sharedStrings') ?? `${folder}sharedStrings.xml`)),
    dateStyles: readDateStyles(part(parts, relOfType('/styles') ?? `${folder}styles.xml`)),
    date1904: false,
  };
  const sheets: { name: string; path: string }[] = [];
  walkXml(workbook, (tag) => {
    if (tag.name === 'workbookPr' && /^(1|true)$/.test(tag.attrs.date1904 ?? '')) ctx.date1904 = true;
    if (tag.name === 'sheet' && !tag.closing) {
      const target = rels.get(tag.attrs['r:id'] ?? tag.attrs.id ?? '')?.target;
      if (target) sheets.push({ name: tag.attrs.name ?? `Sheet${sheets.length + 1}`, path: target });
    }
  });
  return sheets.flatMap(({ name, path }) => {
    const xml = part(parts, path);
    // Chart sheets and dialog sheets have no cells: they are not tables.
    if (!xml || !/<(\w+:)?sheetData[\s>/]/.test(xml)) return [];
    return [toSheet(name, readCells(xml, ctx))];
  });
}
