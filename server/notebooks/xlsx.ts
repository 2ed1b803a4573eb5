// Excel in and out (issue 15), browser-safe: one import for the result export, uploads and e-mailed run outputs.
// writeXlsx(sheets) → .xlsx bytes with real cell types; readXlsx(bytes) → typed sheets. See xlsx-write.ts and
// xlsx-read.ts for the rules (Excel's limits, dates, numbers too long for Excel's 15 digits).

export { writeXlsx, sanitizeSheetName, XlsxLimitError } from './xlsx-write';
export type { XlsxColumn, XlsxSheetInput } from './xlsx-write';
export { readXlsx, XlsxReadError } from './xlsx-read';
export type { XlsxSheet, XlsxValue } from './xlsx-read';
export { columnKind, toExcelSerial, fromExcelSerial } from './xlsx-values';
export type { ColumnKind } from './xlsx-values';

/** The MIME type of an .xlsx file, for downloads and mail attachments. */
export const XLSX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
