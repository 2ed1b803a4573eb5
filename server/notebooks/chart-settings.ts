// Saved chart settings of a SQL cell (issue 15 §1): kind, axes, series and title, kept in the notebook file so a
// reload or a published report draws the same chart. Columns are named, not numbered, so a settings survive a
// change to the SELECT list that keeps the columns it names. Pure and free of server-only imports (and of zod,
// which stays out of the browser bundle): the cell format reads it in the browser too; the API's zod schema is in
// server/api/workbench/notebooks.ts and accepts exactly what `parseChartSettings` accepts.

export const CHART_KINDS = ['bar', 'line', 'scatter', 'histogram'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface ChartSettings {
  kind: ChartKind;
  /** Column on the x axis (for a histogram: the column whose values are counted). */
  x: string;
  /** Columns drawn as values, one dataset each; empty for a histogram. */
  y: string[];
  /** Column whose distinct values split the (first) y column into one dataset each. */
  series?: string;
  title?: string;
}

export const CHART_LIMITS = { columnName: 256, yColumns: 12, title: 200 } as const;

/** What a cell shows of its result. */
export const CELL_DISPLAYS = ['table', 'chart'] as const;
export type CellDisplay = (typeof CELL_DISPLAYS)[number];

const isColumn = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= CHART_LIMITS.columnName;

/** Chart settings from untrusted JSON, or null when they are not well-formed. */
export function parseChartSettings(value: unknown): ChartSettings | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  if (!(CHART_KINDS as readonly unknown[]).includes(raw.kind)) return null;
  if (!isColumn(raw.x)) return null;
  if (!Array.isArray(raw.y) || raw.y.length > CHART_LIMITS.yColumns || !raw.y.every(isColumn)) return null;
  if (raw.series !== undefined && !isColumn(raw.series)) return null;
  if (raw.title !== undefined && (typeof raw.title !== 'string' || raw.title.length > CHART_LIMITS.title)) {
    return null;
  }
  return {
    kind: raw.kind as ChartKind,
    x: raw.x,
    y: [...(raw.y as string[])],
    ...(raw.series !== undefined ? { series: raw.series as string } : {}),
    ...(raw.title ? { title: raw.title as string } : {}),
  };
}

/**
 * The marker attribute's value: the settings as percent-encoded JSON, so it holds no white space (marker
 * attributes are `key=value` separated by spaces) and reads back exactly, whatever the column names hold.
 */
export function encodeChartSettings(settings: ChartSettings): string {
  const ordered: ChartSettings = {
    kind: settings.kind,
    x: settings.x,
    y: settings.y,
    ...(settings.series !== undefined ? { series: settings.series } : {}),
    ...(settings.title ? { title: settings.title } : {}),
  };
  return encodeURIComponent(JSON.stringify(ordered));
}

/** The settings back from the attribute; null for anything malformed (the cell then shows no saved chart). */
export function decodeChartSettings(text: string): ChartSettings | null {
  try {
    return parseChartSettings(JSON.parse(decodeURIComponent(text)) as unknown);
  } catch {
    return null;
  }
}
