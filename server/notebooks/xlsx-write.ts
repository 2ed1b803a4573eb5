// Writes an .xlsx workbook (Office Open XML SpreadsheetML) from typed result columns: numbers as numbers, dates
// and timestamps as Excel serial dates with a date format, booleans as booleans, text as shared strings, nulls as
// empty cells. Browser-safe: our own sheet XML, zipped by fflate (see the README's dependency table).

import { zipSync, strToU8 } from 'fflate';
import { escapeXml } from './xlsx-xml';
import {
  columnKind,
  MAX_CELL_TEXT,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  toCellValue,
  type ColumnKind,
} from './xlsx-values';

export interface XlsxColumn {
  name: string;
  /** DuckDB or Arrow type name: decides how values are written (see columnKind). */
  type: string;
}

export interface XlsxSheetInput {
  name: string;
  columns: XlsxColumn[];
  rows: unknown[][];
}

export class XlsxLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XlsxLimitError';
  }
}

// Style indexes into cellXfs below.
const STYLE_HEADER = 1;
const STYLE_DATE = 2;
const STYLE_TIMESTAMP = 3;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/**
 * A sheet name Excel accepts: no []:*?/\, not blank, no leading or trailing apostrophe, at most 31 characters,
 * not "History" (reserved), unique in the workbook regardless of case.
 */
export function sanitizeSheetName(name: string, taken: Set<string>): string {
  let base = name
    .replace(/[[\]:*?/\\]/g, '_')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f]/g, ' ')
    .trim()
    .replace(/^'+|'+$/g, '');
  if (!base) base = 'Sheet';
  if (base.toLowerCase() === 'history') base = 'History_';
  base = [...base].slice(0, 31).join('');
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) {
    const suffix = ` (${n})`;
    candidate = [...base].slice(0, 31 - suffix.length).join('') + suffix;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

class SharedStrings {
  private readonly index = new Map<string, number>();
  readonly list: string[] = [];
  count = 0;

  add(text: string): number {
    this.count += 1;
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.list.length;
      this.list.push(text);
      this.index.set(text, at);
    }
    return at;
  }

  toXml(): string {
    const items = this.list.map((text) => `<si>${textElement(text)}</si>`);
    return `${XML_HEAD}<sst xmlns="${MAIN_NS}" count="${this.count}" uniqueCount="${this.list.length}">${items.join('')}</sst>`;
  }
}

function textElement(text: string): string {
  const cut = text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text;
  const preserve = /^\s|\s$|\n/.test(cut) ? ' xml:space="preserve"' : '';
  return `<t${preserve}>${escapeXml(cut)}</t>`;
}

function cellXml(ref: string, value: unknown, kind: ColumnKind, strings: SharedStrings): string {
  const cell = toCellValue(value, kind);
  if (!cell) return '';
  switch (cell.kind) {
    case 'number':
      return `<c r="${ref}"><v>${cell.value}</v></c>`;
    case 'date':
      return `<c r="${ref}" s="${STYLE_DATE}"><v>${cell.serial}</v></c>`;
    case 'timestamp':
      return `<c r="${ref}" s="${STYLE_TIMESTAMP}"><v>${cell.serial}</v></c>`;
    case 'boolean':
      return `<c r="${ref}" t="b"><v>${cell.value ? 1 : 0}</v></c>`;
    case 'text':
      return `<c r="${ref}" t="s"><v>${strings.add(cell.value)}</v></c>`;
  }
}

/** Width in characters from the header and the first rows, so columns open readable. */
function columnWidths(sheet: XlsxSheetInput, kinds: ColumnKind[]): number[] {
  return sheet.columns.map((column, index) => {
    let width = column.name.length;
    if (kinds[index] === 'date') width = Math.max(width, 10);
    if (kinds[index] === 'timestamp') width = Math.max(width, 19);
    for (const row of sheet.rows.slice(0, 200)) {
      const value = row[index];
      if (value !== null && value !== undefined && kinds[index] !== 'date' && kinds[index] !== 'timestamp')
        width = Math.max(width, String(value).length);
    }
    return Math.min(Math.max(width + 2, 8), 60);
  });
}

function sheetXml(sheet: XlsxSheetInput, strings: SharedStrings): string {
  const kinds = sheet.columns.map((column) => columnKind(column.type));
  const letters = sheet.columns.map((_, index) => columnLetters(index));
  const parts: string[] = [XML_HEAD, `<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`];
  const lastRef = `${letters[letters.length - 1] ?? 'A'}${sheet.rows.length + 1}`;
  parts.push(`<dimension ref="A1:${lastRef}"/>`);
  // The header row stays in view while scrolling.
  parts.push(
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
  );
  if (sheet.columns.length) {
    const widths = columnWidths(sheet, kinds);
    parts.push(
      `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`,
    );
  }
  parts.push('<sheetData>');
  const header = sheet.columns.map(
    (column, index) =>
      `<c r="${letters[index]}1" t="s" s="${STYLE_HEADER}"><v>${strings.add(column.name)}</v></c>`,
  );
  parts.push(`<row r="1">${header.join('')}</row>`);
  for (let r = 0; r < sheet.rows.length; r += 1) {
    const row = sheet.rows[r] as unknown[];
    const rowNumber = r + 2;
    let cells = '';
    for (let c = 0; c < sheet.columns.length; c += 1)
      cells += cellXml(`${letters[c]}${rowNumber}`, row[c], kinds[c] as ColumnKind, strings);
    parts.push(`<row r="${rowNumber}">${cells}</row>`);
  }
  parts.push('</sheetData>');
  parts.push('</worksheet>');
  return parts.join('');
}

function checkLimits(sheet: XlsxSheetInput): void {
  if (sheet.rows.length + 1 > MAX_SHEET_ROWS)
    throw new XlsxLimitError(
      `"${sheet.name}" has ${sheet.rows.length.toLocaleString('en-US')} rows; an Excel sheet holds at most ${(MAX_SHEET_ROWS - 1).toLocaleString('en-US')} below its header. Export it as CSV or Parquet, or filter it first.`,
    );
  if (sheet.columns.length > MAX_SHEET_COLUMNS)
    throw new XlsxLimitError(
      `"${sheet.name}" has ${sheet.columns.length} columns; an Excel sheet holds at most ${MAX_SHEET_COLUMNS}.`,
    );
}

/** The .xlsx bytes of the given sheets (at least one; an empty list gives one empty sheet). */
export function writeXlsx(sheets: XlsxSheetInput[]): Uint8Array {
  const input = sheets.length ? sheets : [{ name: 'Sheet1', columns: [], rows: [] }];
  input.forEach(checkLimits);
  const taken = new Set<string>();
  const names = input.map((sheet) => sanitizeSheetName(sheet.name, taken));
  const strings = new SharedStrings();
  const files: Record<string, Uint8Array> = {};
  input.forEach((sheet, index) => {
    files[`xl/worksheets/sheet${index + 1}.xml`] = strToU8(sheetXml(sheet, strings));
  });
  const sheetIds = input.map((_, index) => index + 1);
  files['[Content_Types].xml'] = strToU8(
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      sheetIds
        .map(
          (id) =>
            `<Override PartName="/xl/worksheets/sheet${id}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
        )
        .join('') +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
      '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
      '</Types>',
  );
  files['_rels/.rels'] = strToU8(
    `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
      '</Relationships>',
  );
  files['docProps/app.xml'] = strToU8(
    `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>County Lakehouse Workbench</Application></Properties>`,
  );
  files['xl/workbook.xml'] = strToU8(
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
      names
        .map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join('') +
      '</sheets></workbook>',
  );
  const extra = input.length;
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
      sheetIds
        .map(
          (id) =>
            `<Relationship Id="rId${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${id}.xml"/>`,
        )
        .join('') +
      `<Relationship Id="rId${extra + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId${extra + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
      '</Relationships>',
  );
  files['xl/styles.xml'] = strToU8(STYLES);
  files['xl/sharedStrings.xml'] = strToU8(strings.toXml());
  // Excel wants [Content_Types].xml first in the archive; fflate keeps insertion order, so reorder.
  const ordered: Record<string, Uint8Array> = {
    '[Content_Types].xml': files['[Content_Types].xml'] as Uint8Array,
  };
  for (const [path, bytes] of Object.entries(files)) if (!(path in ordered)) ordered[path] = bytes;
  return zipSync(ordered, { level: 6 });
}
