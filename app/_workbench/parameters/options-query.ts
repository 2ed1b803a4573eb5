'use client';
// A choice parameter's options from a query: the distinct values of its first column, as the grid shows them
// (dates as YYYY-MM-DD), in the query's order. Capped, since a list of choices longer than that is not a choice.

import type { Field, Table } from 'apache-arrow';
import { formatValue, readColumn } from '../results/result-data';

export const MAX_OPTIONS = 1_000;

export function firstColumnValues(table: Table): string[] {
  const field = table.schema.fields[0] as Field | undefined;
  if (!field) throw new Error('The options query returns no column');
  const options = new Set<string>();
  for (const value of readColumn(table, 0)) {
    if (value === null || value === undefined) continue;
    options.add(formatValue(value, field));
    if (options.size >= MAX_OPTIONS) break;
  }
  return [...options];
}
