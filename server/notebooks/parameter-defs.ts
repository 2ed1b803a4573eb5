// Parameter definitions as read from a notebook file or an older client: the typed list, or the `{name: value}`
// object notebooks held before issue 15. Pure and browser-safe; the API's zod schema (server/api/workbench/
// notebooks.ts) is strict, the file reader here is lenient (a hand-edited header keeps what it can).

import {
  PARAMETER_TYPES,
  type ParameterDef,
  type ParameterType,
  type ParameterValue,
} from './parameter-types';

export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Whether a default has the shape its type takes (validity, e.g. a real date or one of the options, is bind's). */
export function parameterDefShapeProblem(def: { type: ParameterType; default?: unknown }): string | null {
  const value = def.default;
  if (value === undefined || value === null) return null;
  const ok =
    def.type === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : def.type === 'multi_choice'
        ? isStringList(value)
        : def.type === 'date_range'
          ? typeof value === 'object' &&
            typeof (value as { from?: unknown }).from === 'string' &&
            typeof (value as { to?: unknown }).to === 'string'
          : typeof value === 'string';
  return ok ? null : `a ${def.type} parameter's default cannot be ${JSON.stringify(value)}`;
}

/**
 * The old `{name: value}` parameters, whose values were pasted into SQL as written: each becomes a text parameter
 * with that default. A value that was one quoted string literal (`'2026-11-01'`) loses its quotes, since binding
 * quotes it again; anything else (`3`, a fragment of SQL) becomes that text.
 */
export function legacyParameterDefs(parameters: Record<string, unknown>): ParameterDef[] {
  return Object.entries(parameters)
    .filter(([name]) => PARAMETER_NAME.test(name))
    .map(([name, raw]) => {
      const text = String(raw);
      const quoted = /^'((?:[^']|'')*)'$/.exec(text.trim());
      return {
        name,
        type: 'text' as const,
        default: quoted ? (quoted[1] as string).replace(/''/g, "'") : text,
      };
    });
}

function readDef(raw: unknown): ParameterDef | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const entry = raw as Record<string, unknown>;
  const type = entry.type as ParameterType;
  if (typeof entry.name !== 'string' || !PARAMETER_NAME.test(entry.name) || !PARAMETER_TYPES.includes(type)) {
    return null;
  }
  const def: ParameterDef = { name: entry.name, type };
  if (typeof entry.label === 'string' && entry.label.trim()) def.label = entry.label;
  if (entry.default !== undefined && parameterDefShapeProblem({ type, default: entry.default }) === null) {
    def.default = entry.default as ParameterValue;
  }
  if (entry.required === true) def.required = true;
  if (typeof entry.min === 'number' && Number.isFinite(entry.min)) def.min = entry.min;
  if (typeof entry.max === 'number' && Number.isFinite(entry.max)) def.max = entry.max;
  if (isStringList(entry.options)) def.options = entry.options;
  if (typeof entry.optionsQuery === 'string' && entry.optionsQuery.trim())
    def.optionsQuery = entry.optionsQuery;
  return def;
}

/** Definitions from a file header's JSON: the typed list (bad entries and repeated names dropped) or the old object. */
export function normalizeParameterDefs(raw: unknown): ParameterDef[] {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    return legacyParameterDefs(raw as Record<string, unknown>);
  }
  if (!Array.isArray(raw)) return [];
  const defs: ParameterDef[] = [];
  for (const item of raw) {
    const def = readDef(item);
    if (def && !defs.some((other) => other.name === def.name)) defs.push(def);
  }
  return defs;
}
