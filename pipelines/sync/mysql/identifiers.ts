// Identifiers that reach MySQL are validated, then quoted with backticks. Table names are kept to a plain
// character set (they also name shadow tables and locks); column names follow Delta's schema, so they only
// exclude what MySQL cannot store (control characters, trailing spaces, more than 64 characters) and '?', which
// mysql2's client-side placeholder substitution would take for a parameter.

import { SyncError } from '../errors';

/** MySQL's identifier limit is 64 characters; `__shadow` must still fit after a table name. */
export const MAX_TABLE_NAME_LENGTH = 56;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function assertTableName(name: string): string {
  if (!TABLE_NAME.test(name) || name.length > MAX_TABLE_NAME_LENGTH) {
    throw new SyncError(
      'INVALID_IDENTIFIER',
      `MySQL table name '${name}' must be 1-${MAX_TABLE_NAME_LENGTH} letters, digits, '_' or '$', not starting with a digit`,
    );
  }
  return name;
}

export function assertColumnName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 64 || /[\u0000-\u001f`?]/.test(name) || name.endsWith(' ')) {
    throw new SyncError(
      'INVALID_IDENTIFIER',
      `Column name '${name}' cannot be used in MySQL (1-64 characters, no control characters, backticks, '?' or trailing spaces)`,
    );
  }
  return name;
}

/** Backtick-quotes an identifier (validated by the caller's assert). */
export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function quoteTable(name: string): string {
  return quoteName(assertTableName(name));
}

export function quoteColumn(name: string): string {
  return quoteName(assertColumnName(name));
}

export function getShadowTableName(table: string): string {
  return `${assertTableName(table)}__shadow`;
}

export function getOldTableName(table: string): string {
  return `${assertTableName(table)}__old`;
}
