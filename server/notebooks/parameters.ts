// Typed notebook parameters bound into SQL: each `{{name}}` in code (not in a string or a comment) becomes a SQL
// literal of the parameter's type, built here from a checked value, so a value can never become SQL of its own.
// Values come from the page URL (p.<name>), a report viewer, or a schedule; defaults fill the gaps. Pure and
// browser-safe: the cell runner, reports and the worker's scheduled runs all bind through bindParameters.

import type { DateRange, ParameterDef, ParameterValue, ParameterValues } from './parameter-types';
import { findPlaceholders, spliceLiteral, type Placeholder } from './sql-placeholders';

export { legacyParameterDefs, normalizeParameterDefs, parameterDefShapeProblem } from './parameter-defs';

export class ParameterError extends Error {
  /** The parameter's name (Error's own `name` stays the class's, as every catch expects). */
  readonly parameter: string;
  /** Where in the SQL the parameter is used, when the error is about a use; null for a value checked alone. */
  readonly offset: number | null;

  constructor(parameter: string, message: string, offset: number | null = null) {
    super(message);
    this.name = 'ParameterError';
    this.parameter = parameter;
    this.offset = offset;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_TEXT = 10_000;

export function isValidDate(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isRange = (value: unknown): value is DateRange =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'from' in value && 'to' in value;

/** No value given: null, undefined, an empty string, or a date range with both ends empty. */
function isEmpty(value: ParameterValue | undefined): boolean {
  if (value === null || value === undefined || value === '') return true;
  return isRange(value) && value.from === '' && value.to === '';
}

const labelOf = (def: ParameterDef) => `"${def.label?.trim() || def.name}"`;

/** What is wrong with a (non-empty) value for this parameter, or null. */
function valueProblem(def: ParameterDef, value: ParameterValue): string | null {
  const shown = JSON.stringify(value);
  switch (def.type) {
    case 'text':
      if (typeof value !== 'string') return `is text, not ${shown}`;
      if (value.length > MAX_TEXT) return `is longer than ${MAX_TEXT} characters`;
      return value.includes('\0') ? 'may not contain a NUL character' : null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `is not a number: ${shown}`;
      if (def.min !== undefined && value < def.min) return `must be at least ${def.min}, not ${value}`;
      if (def.max !== undefined && value > def.max) return `must be at most ${def.max}, not ${value}`;
      return null;
    case 'date':
      return isValidDate(value) ? null : `is not a date (YYYY-MM-DD): ${shown}`;
    case 'date_range':
      if (!isRange(value) || !isValidDate(value.from) || !isValidDate(value.to)) {
        return `needs two dates (YYYY-MM-DD), from and to: ${shown}`;
      }
      return value.from <= value.to ? null : `starts after it ends: ${value.from} > ${value.to}`;
    case 'single_choice':
      if (typeof value !== 'string' || value.length > MAX_TEXT) return `is not a choice: ${shown}`;
      return choiceProblem(def, [value]);
    case 'multi_choice':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length > MAX_TEXT)) {
        return `is not a list of choices: ${shown}`;
      }
      return choiceProblem(def, value);
  }
}

/** A fixed list is the only thing a choice may be; values from a query are only known to be text. */
function choiceProblem(def: ParameterDef, chosen: readonly string[]): string | null {
  if (def.optionsQuery?.trim() && !def.options?.length) return null;
  const options = def.options ?? [];
  const outside = chosen.filter((value) => !options.includes(value));
  return outside.length === 0 ? null : `is not one of its options: ${JSON.stringify(outside[0])}`;
}

/**
 * The value a run uses: the given one, else the default; null when neither (refused when required). Throws
 * ParameterError (offset given by the caller) when the value is not valid for the parameter's type.
 */
function effectiveValue(def: ParameterDef, values: ParameterValues, offset: number | null): ParameterValue {
  const given = Object.hasOwn(values, def.name) ? values[def.name] : undefined;
  const value = isEmpty(given) ? (def.default ?? null) : (given as ParameterValue);
  if (isEmpty(value)) {
    if (def.required) throw new ParameterError(def.name, `Parameter ${labelOf(def)} needs a value`, offset);
    return null;
  }
  const problem = valueProblem(def, value);
  if (problem) throw new ParameterError(def.name, `Parameter ${labelOf(def)} ${problem}`, offset);
  return value;
}

/** Every parameter's default (null where it has none). */
export function defaultValues(defs: readonly ParameterDef[]): ParameterValues {
  return Object.fromEntries(defs.map((def) => [def.name, def.default ?? null]));
}

/** Every problem with the values a run would use (defaults filling gaps); empty when they bind. */
export function validateValues(defs: readonly ParameterDef[], values: ParameterValues): ParameterError[] {
  const problems: ParameterError[] = [];
  for (const name of Object.keys(values)) {
    if (!defs.some((def) => def.name === name)) {
      problems.push(new ParameterError(name, `There is no parameter named "${name}"`));
    }
  }
  for (const def of defs) {
    try {
      effectiveValue(def, values, null);
    } catch (error) {
      problems.push(error as ParameterError);
    }
  }
  return problems;
}

/** A text value as a SQL string literal: quotes doubled, nothing else special in a standard string. */
export function quoteText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function literalOf(def: ParameterDef, value: ParameterValue, use: Placeholder): string {
  if (def.type === 'date_range') {
    if (use.part !== 'from' && use.part !== 'to') {
      const message = `Parameter ${labelOf(def)} is a date range: write {{${def.name}.from}} and {{${def.name}.to}}`;
      throw new ParameterError(def.name, message, use.start);
    }
    return value === null ? 'NULL' : `DATE '${(value as DateRange)[use.part]}'`;
  }
  if (use.part !== undefined) {
    const message = `{{${def.name}.${use.part}}}: only a date range has .from and .to`;
    throw new ParameterError(def.name, message, use.start);
  }
  if (value === null) return def.type === 'multi_choice' ? '(NULL)' : 'NULL';
  switch (def.type) {
    case 'number':
      // In parentheses when negative, so `5-{{n}}` cannot become the comment `5--3`.
      return (value as number) < 0 ? `(${String(value)})` : String(value);
    case 'date':
      return `DATE '${value as string}'`;
    case 'multi_choice': {
      const list = value as string[];
      return list.length === 0 ? '(NULL)' : `(${list.map(quoteText).join(', ')})`;
    }
    default:
      return quoteText(value as string);
  }
}

export interface BoundSql {
  sql: string;
  /** [offset in the bound SQL just after a literal, original length − literal length], in order. */
  shifts: { at: number; delta: number }[];
}

/** bindParameters, also saying how offsets moved, so an engine's error position maps back to the cell. */
export function bindParameterSql(
  sql: string,
  defs: readonly ParameterDef[],
  values: ParameterValues,
): BoundSql {
  const byName = new Map<string, ParameterDef>();
  for (const def of defs) if (!byName.has(def.name)) byName.set(def.name, def);
  let out = '';
  let last = 0;
  const shifts: BoundSql['shifts'] = [];
  for (const use of findPlaceholders(sql)) {
    const def = byName.get(use.name);
    if (!def) {
      throw new ParameterError(use.name, `{{${use.name}}} is not a parameter of this notebook`, use.start);
    }
    const literal = spliceLiteral(sql, use, literalOf(def, effectiveValue(def, values, use.start), use));
    out += sql.slice(last, use.start) + literal;
    shifts.push({ at: out.length, delta: use.end - use.start - literal.length });
    last = use.end;
  }
  return { sql: out + sql.slice(last), shifts };
}

/**
 * The SQL with every `{{name}}` in code replaced by a typed literal: text quoted with '' escaping, numbers checked
 * (and bounded), dates checked as `DATE 'YYYY-MM-DD'`, date ranges as {{name.from}} / {{name.to}}, choices only from
 * their options, multi choice as `('a', 'b')` (empty: `(NULL)`), no value as NULL. Throws ParameterError (with the
 * placeholder's offset) on an unknown parameter, a missing required value, or an invalid one.
 */
export function bindParameters(sql: string, defs: readonly ParameterDef[], values: ParameterValues): string {
  return bindParameterSql(sql, defs, values).sql;
}

/** Maps an offset in bound SQL back to the SQL as written (an offset inside a literal lands near its placeholder). */
export function toUnboundOffset(bound: BoundSql, offset: number): number {
  let delta = 0;
  for (const shift of bound.shifts) {
    if (shift.at > offset) break;
    delta += shift.delta;
  }
  return offset + delta;
}

const KEY = 'p.';
const RANGE = /^(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Values in a URL, p.<name>=…: numbers as written, date ranges `from..to`, multi choice one key per choice (a
 * single empty one for none). A value that does not parse is kept as text, so validation says what is wrong with it
 * instead of the link silently falling back to the default. Keys of no parameter are ignored.
 */
export function valuesFromSearchParams(
  defs: readonly ParameterDef[],
  params: URLSearchParams,
): ParameterValues {
  const values: ParameterValues = {};
  for (const def of defs) {
    const all = params.getAll(KEY + def.name);
    const first = all[0];
    if (first === undefined) continue;
    if (def.type === 'multi_choice') values[def.name] = all.filter((value) => value !== '');
    else if (def.type === 'number') values[def.name] = NUMBER.test(first.trim()) ? Number(first) : first;
    else if (def.type === 'date_range') {
      const match = RANGE.exec(first);
      values[def.name] = match ? { from: match[1] ?? '', to: match[2] ?? '' } : first;
    } else values[def.name] = first;
  }
  return values;
}

/** The inverse of valuesFromSearchParams; null values are left out (their default applies). */
export function valuesToSearchParams(
  defs: readonly ParameterDef[],
  values: ParameterValues,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const def of defs) {
    const value = values[def.name];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) params.append(KEY + def.name, '');
      for (const choice of value) params.append(KEY + def.name, choice);
    } else if (isRange(value)) {
      params.set(KEY + def.name, `${value.from}..${value.to}`);
    } else {
      // '' too: a cleared input stays cleared in the page (the default still applies when the SQL is bound).
      params.set(KEY + def.name, String(value));
    }
  }
  return params;
}

/** Whether a URL search key is a parameter value's (p.<name>), so a page can replace only those. */
export const isParameterKey = (key: string) => key.startsWith(KEY);
