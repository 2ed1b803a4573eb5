'use client';
// The catalog's column beside the notebook: collapsible to a thin bar and resizable by dragging its edge (or with
// the arrow keys on it). Width and collapsed state are the analyst's, kept in this browser's localStorage.

import { useCallback, useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { logCleanupFailure } from '../../_lib/cleanup';

const STORAGE_KEY = 'workbench.catalog';
const DEFAULT_WIDTH = 280;
const MIN_WIDTH = 180;
const MAX_WIDTH = 720;

interface CatalogLayout {
  width: number;
  collapsed: boolean;
}

function clampWidth(width: number): number {
  const max = typeof window === 'undefined' ? MAX_WIDTH : Math.min(MAX_WIDTH, window.innerWidth * 0.6);
  return Math.round(Math.max(MIN_WIDTH, Math.min(max, width)));
}

function readLayout(): CatalogLayout | null {
  try {
    const value = JSON.parse(
      window.localStorage.getItem(STORAGE_KEY) ?? 'null',
    ) as Partial<CatalogLayout> | null;
    if (!value || typeof value !== 'object') return null;
    return {
      width: typeof value.width === 'number' ? clampWidth(value.width) : DEFAULT_WIDTH,
      collapsed: value.collapsed === true,
    };
  } catch {
    // Storage blocked or a value written by hand: the defaults do.
    return null;
  }
}

function saveLayout(layout: CatalogLayout): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(layout));
  } catch (error) {
    logCleanupFailure('remembering the catalog width')(error);
  }
}

export function CatalogColumn({ children }: { children(collapse: () => void): ReactNode }) {
  const [layout, setLayout] = useState<CatalogLayout>({ width: DEFAULT_WIDTH, collapsed: false });
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  useEffect(() => {
    const stored = readLayout();
    if (stored) setLayout(stored);
  }, []);

  const change = useCallback((next: Partial<CatalogLayout>) => {
    setLayout((current) => {
      const updated = { ...current, ...next };
      saveLayout(updated);
      return updated;
    });
  }, []);

  if (layout.collapsed) {
    return (
      <div className="wb-catalog-bar" data-testid="catalog-collapsed">
        <button
          type="button"
          aria-label="Show the catalog"
          title="Show the catalog"
          onClick={() => change({ collapsed: false })}
          data-testid="catalog-expand"
        >
          ▸
        </button>
        <span className="wb-catalog-bar-label">Tables</span>
      </div>
    );
  }
  return (
    <div className="wb-catalog-column" style={{ '--wb-catalog-width': `${layout.width}px` } as CSSProperties}>
      {children(() => change({ collapsed: true }))}
      <div
        className="wb-catalog-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the catalog"
        aria-valuenow={layout.width}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        tabIndex={0}
        data-testid="catalog-resize"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          drag.current = { startX: event.clientX, startWidth: layout.width };
        }}
        onPointerMove={(event) => {
          if (!drag.current) return;
          const width = clampWidth(drag.current.startWidth + event.clientX - drag.current.startX);
          setLayout((current) => ({ ...current, width }));
        }}
        onPointerUp={() => {
          if (!drag.current) return;
          drag.current = null;
          change({ width: layout.width });
        }}
        onKeyDown={(event) => {
          const step = event.key === 'ArrowLeft' ? -20 : event.key === 'ArrowRight' ? 20 : 0;
          if (step === 0) return;
          event.preventDefault();
          change({ width: clampWidth(layout.width + step) });
        }}
      />
    </div>
  );
}
