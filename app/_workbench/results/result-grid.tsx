'use client';
// A virtualized result grid: only the rows in view are in the DOM, so a million-row result scrolls as smoothly as
// ten. Values are read from the Arrow vectors on demand; sorting computes one row order per click.

import { useVirtualizer } from '@tanstack/react-virtual';
import type { Field, Table } from 'apache-arrow';
import { useMemo, useRef, useState } from 'react';
import { describeColumns, formatValue, sortOrder } from './result-data';
// The grid brings its own styles: a report shows it without the workbench's result view around it.
import './results.css';

const ROW_HEIGHT = 28;
const COLUMN_WIDTH = 168;

export function ResultGrid({ table }: { table: Table }) {
  const columns = useMemo(() => describeColumns(table), [table]);
  const [sort, setSort] = useState<{ index: number; direction: 'asc' | 'desc' } | null>(null);
  const order = useMemo(() => (sort ? sortOrder(table, sort.index, sort.direction) : null), [table, sort]);
  const vectors = useMemo(() => columns.map((column) => table.getChildAt(column.index)), [table, columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: table.numRows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const width = columns.length * COLUMN_WIDTH + 64;

  const toggleSort = (index: number) =>
    setSort((current) =>
      current?.index !== index
        ? { index, direction: 'asc' }
        : current.direction === 'asc'
          ? { index, direction: 'desc' }
          : null,
    );

  return (
    <div
      className="wb-grid"
      ref={scroller}
      role="grid"
      aria-rowcount={table.numRows + 1}
      data-testid="result-grid"
    >
      <div className="wb-grid-header" role="row" style={{ width }}>
        <span className="wb-grid-rownum" aria-hidden="true">
          #
        </span>
        {columns.map((column) => (
          <button
            type="button"
            role="columnheader"
            key={column.index}
            className="wb-grid-cell wb-grid-head"
            style={{ width: COLUMN_WIDTH }}
            onClick={() => toggleSort(column.index)}
            aria-sort={
              sort?.index === column.index ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
            }
            title={`${column.name} ${column.type}: click to sort`}
          >
            <span className="wb-grid-name">{column.name}</span>
            <span className="wb-grid-type">
              {column.type}
              {sort?.index === column.index ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
            </span>
          </button>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), width, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = order ? (order[item.index] as number) : item.index;
          return (
            <div
              key={item.key}
              role="row"
              className="wb-grid-row"
              data-testid="result-row"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <span className="wb-grid-rownum">{item.index + 1}</span>
              {columns.map((column, index) => {
                const field = table.schema.fields[column.index] as Field;
                const text = formatValue(vectors[index]?.get(row), field);
                return (
                  <span
                    role="gridcell"
                    key={column.index}
                    className={`wb-grid-cell${column.numeric ? ' wb-num' : ''}`}
                    style={{ width: COLUMN_WIDTH }}
                    title={text}
                  >
                    {vectors[index]?.get(row) === null ? <em className="wb-null">NULL</em> : text}
                  </span>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
