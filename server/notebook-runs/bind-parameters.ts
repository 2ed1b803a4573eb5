// TODO(params): the one place a scheduled run binds parameter values into a cell's SQL. Replace `bind` with
// `bindParameters` from server/notebooks/parameters.ts (branch h15-params) and `definitionsOf` with the notebook's
// own `parameters: ParameterDef[]` once that branch is merged; until then this stand-in quotes values by type so a
// schedule never pastes raw text into SQL.

import type { ParameterDef, ParameterValue, ParameterValues } from '../notebooks/parameter-types';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.(from|to))?\s*\}\}/g;

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

function literalOf(def: ParameterDef, value: ParameterValue, part: string | undefined): string {
  if (value === null) return 'NULL';
  if (def.type === 'number') {
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number))
      throw new Error(`Parameter ${def.name}: "${String(value)}" is not a number`);
    return String(number);
  }
  if (Array.isArray(value)) return value.length === 0 ? '(NULL)' : `(${value.map(quote).join(', ')})`;
  if (typeof value === 'object') {
    const date = part === 'to' ? value.to : value.from;
    return `DATE ${quote(date)}`;
  }
  if (def.type === 'date') return `DATE ${quote(String(value))}`;
  return quote(String(value));
}

/** Replaces {{name}} (and {{name.from}}/{{name.to}}) with typed SQL literals of the values, else the defaults. */
export function bind(sql: string, defs: ParameterDef[], values: ParameterValues): string {
  const byName = new Map(defs.map((def) => [def.name, def]));
  return sql.replace(PLACEHOLDER, (whole, name: string, part: string | undefined) => {
    const def = byName.get(name);
    if (!def) return whole;
    const value = Object.hasOwn(values, name) ? values[name] : def.default;
    if (value === undefined) throw new Error(`Parameter ${name} has no value and no default`);
    return literalOf(def, value, part);
  });
}

/** The notebook's parameter definitions: today's `{name: text}` headers become text parameters with that default. */
export function definitionsOf(parameters: unknown): ParameterDef[] {
  if (Array.isArray(parameters)) return parameters as ParameterDef[];
  if (parameters === null || typeof parameters !== 'object') return [];
  return Object.entries(parameters as Record<string, unknown>).map(([name, value]) => ({
    name,
    type: 'text' as const,
    default: typeof value === 'string' ? value : null,
  }));
}
