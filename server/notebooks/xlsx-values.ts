// How a result value becomes an Excel cell and back: column kinds from DuckDB or Arrow type names, Excel serial
// dates, and the limits Excel puts on numbers and text. Pure, browser-safe.

export type ColumnKind = 'number' | 'date' | 'timestamp' | 'boolean' | 'text';

/** DuckDB names (BIGINT, DECIMAL(18,2), TIMESTAMP WITH TIME ZONE) and Arrow ones (Int64, Date32<DAY>, Float64). */
export function columnKind(type: string): ColumnKind {
  const t = type.trim().toUpperCase();
  if (/^(BOOL|BOOLEAN|LOGICAL)$/.test(t)) return 'boolean';
  if (/^DATE((32|64)<\w+>)?$/.test(t)) return 'date';
  if (/^(TIMESTAMP|DATETIME)/.test(t) && !t.endsWith(']')) return 'timestamp';
  // Whole names only: INTEGER[] is a list and DECIMAL(18,2)[] too.
  if (
    /^U?(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|INT1|INT2|INT4|INT8|INT16|INT32|INT64|INT128)$/.test(
      t,
    ) ||
    /^(FLOAT|FLOAT4|FLOAT8|REAL|DOUBLE|DOUBLE PRECISION|FLOAT16|FLOAT32|FLOAT64)$/.test(t) ||
    /^(NUMERIC|DECIMAL)(\(\s*\d+\s*(,\s*\d+\s*)?\)|\[\d+E[-+]?\d+\])?$/.test(t) ||
    /^UINT(8|16|32|64)$/.test(t)
  )
    return 'number';
  return 'text';
}

const MS_PER_DAY = 86_400_000;
/** 1899-12-30: Excel's day 0 in the 1900 date system, as long as the date is after its phantom 1900-02-29. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Before 1900-03-01 Excel's serials are off by one (the Lotus leap-year bug); before 1900 they do not exist. */
const FIRST_SAFE_MS = Date.UTC(1900, 2, 1);
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const EPOCH_1904_DAYS = 1462;

/** Excel serial of a UTC instant, or null when Excel cannot show it (then the caller writes text). */
export function toExcelSerial(ms: number): number | null {
  if (!Number.isFinite(ms) || ms < FIRST_SAFE_MS || ms > LAST_MS) return null;
  return (ms - EXCEL_EPOCH_MS) / MS_PER_DAY;
}

/** The UTC instant of an Excel serial, rounded to the millisecond (serials are doubles). */
export function fromExcelSerial(serial: number, date1904 = false): Date {
  const days = date1904 ? serial + EPOCH_1904_DAYS : serial;
  // Serials below 61 are in Excel's phantom-leap-day range: one day later than the arithmetic says.
  const adjusted = !date1904 && days < 61 ? days + 1 : days;
  return new Date(Math.round(EXCEL_EPOCH_MS + adjusted * MS_PER_DAY));
}

/** Excel keeps 15 significant digits: a longer integer or decimal would change, so it goes in as text. */
const MAX_EXACT_DIGITS = 15;

export function isExactInExcel(text: string): boolean {
  const digits = text.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
  return digits.replace(/0+$/, '').length <= MAX_EXACT_DIGITS || /^0*$/.test(digits);
}

/** Excel's limit on a cell's text (ECMA-376: 32,767 characters). */
export const MAX_CELL_TEXT = 32_767;
/** Excel's rows per sheet, the header row included. */
export const MAX_SHEET_ROWS = 1_048_576;
export const MAX_SHEET_COLUMNS = 16_384;

export type CellValue =
  | { kind: 'number'; value: number }
  | { kind: 'date' | 'timestamp'; serial: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'text'; value: string };

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds of an ISO date or timestamp text (UTC unless it names an offset), or null. */
function parseIsoMs(text: string): number | null {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = ''] = m;
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, Math.round(Number(`0${frac || '.0'}`) * 1000));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return `\\x${[...value].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
    return JSON.stringify(json, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}

function numberCell(value: unknown): CellValue {
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'text', value: String(value) };
  if (typeof value === 'bigint') {
    const text = value.toString();
    return isExactInExcel(text) ? { kind: 'number', value: Number(value) } : { kind: 'text', value: text };
  }
  if (typeof value === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim())) {
    const n = Number(value);
    if (Number.isFinite(n) && isExactInExcel(value.trim())) return { kind: 'number', value: n };
  }
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  return { kind: 'text', value: textOf(value) };
}

function temporalCell(value: unknown, kind: 'date' | 'timestamp'): CellValue {
  // Arrow (apache-arrow 13) hands dates and timestamps out as epoch milliseconds.
  let ms: number | null = null;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'bigint') ms = Number(value);
  else if (typeof value === 'string') ms = parseIsoMs(value);
  const serial = ms === null ? null : toExcelSerial(ms);
  if (serial === null) {
    const text = ms !== null && Number.isFinite(ms) ? isoText(ms, kind) : textOf(value);
    return { kind: 'text', value: text };
  }
  return { kind, serial: kind === 'date' ? Math.floor(serial) : serial };
}

function isoText(ms: number, kind: 'date' | 'timestamp'): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const iso = date.toISOString();
  return kind === 'date' ? iso.slice(0, 10) : iso.replace('T', ' ').replace('Z', '');
}

/** The cell for one value of a column of the given kind; null and undefined give no cell. */
export function toCellValue(value: unknown, kind: ColumnKind): CellValue | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'number':
      return numberCell(value);
    case 'date':
    case 'timestamp':
      return temporalCell(value, kind);
    case 'boolean':
      if (typeof value === 'boolean') return { kind: 'boolean', value };
      return { kind: 'text', value: textOf(value) };
    case 'text':
      if (value instanceof Date) return temporalCell(value, 'timestamp');
      if (typeof value === 'boolean') return { kind: 'boolean', value };
      if (typeof value === 'number' || typeof value === 'bigint') return numberCell(value);
      return { kind: 'text', value: textOf(value) };
  }
}
