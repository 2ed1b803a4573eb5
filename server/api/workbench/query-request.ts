// The request of the server path (POST /api/query): the cell's SQL after the browser rewrote time travel into view
// names, and the snapshot each view name stands for.

import { z } from 'zod';
import { TABLE_NAME } from './lake-context';

export const VIEW_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,190}$/;

export const queryRequestSchema = z.object({
  sql: z.string().min(1).max(200_000),
  tables: z
    .array(
      z.object({
        view: z.string().regex(VIEW_NAME),
        table: z.string().regex(TABLE_NAME),
        version: z.number().int().min(0).optional(),
        timestamp: z.string().min(1).max(64).optional(),
        // table_changes('t', from, to): the view holds the changes of those versions.
        changes: z
          .object({ from: z.number().int().min(0), to: z.number().int().min(0).optional() })
          .optional(),
      }),
    )
    .max(64)
    .default([]),
  maxRows: z.number().int().min(1).max(5_000_000).default(1_000_000),
});

export type QueryRequest = z.infer<typeof queryRequestSchema>;
export type QueryTableRef = QueryRequest['tables'][number];
