// Typed notebook parameters (issue 15): what a parameter is, and the values a run, a share link or a report
// viewer gives it. Types only, shared by the notebook file, the API, the browser, reports and scheduled runs;
// binding them into SQL lives in ./parameters.ts.

export const PARAMETER_TYPES = [
  'text',
  'number',
  'date',
  'date_range',
  'single_choice',
  'multi_choice',
] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface DateRange {
  /** ISO dates, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

/** text, date, single_choice: string; number: number; multi_choice: string[]; date_range: DateRange. */
export type ParameterValue = string | number | string[] | DateRange | null;
export type ParameterValues = Record<string, ParameterValue>;

export interface ParameterDef {
  /** A SQL identifier; SQL refers to it as {{name}} (date ranges also {{name.from}} and {{name.to}}). */
  name: string;
  type: ParameterType;
  label?: string;
  /** Used when a viewer, a link or a schedule gives no value. */
  default?: ParameterValue;
  /** A run without a value (and no default) is refused with a clear error. */
  required?: boolean;
  /** number: bounds, inclusive. */
  min?: number;
  max?: number;
  /** Choices: a fixed list ... */
  options?: string[];
  /** ... or the first column of a read-only query over the lake, run where the cell would run. */
  optionsQuery?: string;
}
