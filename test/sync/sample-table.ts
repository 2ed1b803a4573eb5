// The sample table of the sync tests: every type family the mapping handles, NULLs included.

import type { StructType } from '../../pipelines/delta/index';

const field = (name: string, type: StructType['fields'][number]['type'], nullable = true) => ({
  name,
  type,
  nullable,
  metadata: {},
});

export const SAMPLE_SCHEMA: StructType = {
  type: 'struct',
  fields: [
    field('id', 'long', false),
    field('name', 'string'),
    field('amount', 'decimal(10,2)'),
    field('score', 'double'),
    field('active', 'boolean'),
    field('day', 'date'),
    field('ts', 'timestamp'),
    field('payload', 'binary'),
    field('tags', { type: 'array', elementType: 'string', containsNull: true }),
    field('attrs', {
      type: 'struct',
      fields: [field('a', 'integer'), field('b', 'string')],
    }),
  ],
};

/** Rows with ids in [from, to), values derived from the id and `variant` (change it to change every value). */
export function sampleRows(from: number, to: number, variant = 0): string {
  return `SELECT i::BIGINT AS id,
    CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN 'NULL' ELSE 'name "' || i || E'\\n,' || ${variant} || ' é' END AS name,
    CAST((i * 1.25 + ${variant}) AS DECIMAL(10,2)) AS amount,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i / 3.0 + ${variant} END AS score,
    (i + ${variant}) % 2 = 0 AS active,
    DATE '2024-01-01' + CAST(i % 1000 AS INTEGER) AS day,
    TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(CAST(i * 1000123 + ${variant} AS BIGINT)) AS ts,
    CASE WHEN i % 5 = 0 THEN NULL ELSE encode('p' || i || chr(10)) END AS payload,
    ['t' || i, 'x' || ${variant}] AS tags,
    {'a': CAST(i AS INTEGER), 'b': 'b' || ${variant}} AS attrs
  FROM range(${from}, ${to}) AS r(i)`;
}
