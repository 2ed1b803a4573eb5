'use client';
// The values a run gives a notebook's parameters, one input per parameter by its type, each with what is wrong with
// its value (checked as bindParameters will check it). Choices from a query get their options by running it; a
// failure is shown as the engine said it. Used by the notebook page and by a report's page.

import { useEffect, useState } from 'react';
import type { ParameterDef, ParameterValues } from '@/server/notebooks/parameter-types';
import { validateValues } from '@/server/notebooks/parameters';
import { ValueInput } from './value-input';

export interface ParameterInputsProps {
  defs: readonly ParameterDef[];
  values: ParameterValues;
  onChange(values: ParameterValues): void;
  /** Runs an options query read-only, where cells run, answering its first column's values. Absent: not yet. */
  runOptionsQuery?: (sql: string) => Promise<string[]>;
}

type Options =
  { state: 'fixed' | 'loaded'; list: string[] } | { state: 'loading' } | { state: 'failed'; error: string };

/** A choice's options: its fixed list, or what its query answers (run again when the query changes). */
function useOptions(def: ParameterDef, run: ParameterInputsProps['runOptionsQuery']): Options | null {
  const query = def.optionsQuery?.trim() ?? '';
  const fromQuery =
    (def.type === 'single_choice' || def.type === 'multi_choice') && !def.options?.length && query;
  const [loaded, setLoaded] = useState<{ query: string; options: Options } | null>(null);
  useEffect(() => {
    if (!fromQuery || !run) return;
    let live = true;
    run(query).then(
      (list) => live && setLoaded({ query, options: { state: 'loaded', list } }),
      (error: unknown) =>
        live &&
        setLoaded({ query, options: { state: 'failed', error: (error as Error).message ?? String(error) } }),
    );
    return () => {
      live = false;
    };
  }, [fromQuery, query, run]);
  if (def.type !== 'single_choice' && def.type !== 'multi_choice') return null;
  if (!fromQuery) return { state: 'fixed', list: def.options ?? [] };
  return loaded?.query === query ? loaded.options : { state: 'loading' };
}

function ParameterInput({
  def,
  values,
  onChange,
  problem,
  runOptionsQuery,
}: Omit<ParameterInputsProps, 'defs'> & { def: ParameterDef; problem: string | undefined }) {
  const options = useOptions(def, runOptionsQuery);
  const list = options && 'list' in options ? options.list : null;
  return (
    <div className="wb-parameter-input" data-testid={`parameter-${def.name}`}>
      <span className="wb-parameter-label">
        {def.label?.trim() || def.name}
        {def.required ? ' *' : ''}
      </span>
      {options?.state === 'loading' ? (
        <span className="wb-muted">Loading options…</span>
      ) : (
        <ValueInput
          def={def}
          value={values[def.name] ?? null}
          onChange={(value) => onChange({ ...values, [def.name]: value })}
          label={`Parameter ${def.name}`}
          // Without its options (the query failed) a choice is typed in; binding still quotes it as text.
          options={list}
        />
      )}
      {options?.state === 'failed' ? (
        <span className="wb-error" role="alert" data-testid="parameter-options-error">
          Options of {def.name} could not be loaded: {options.error}
        </span>
      ) : null}
      {problem ? (
        <span className="wb-error" data-testid="parameter-problem">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

export function ParameterInputs({ defs, values, onChange, runOptionsQuery }: ParameterInputsProps) {
  if (defs.length === 0) return null;
  const problems = validateValues(defs, values);
  return (
    <div className="wb-parameter-inputs" data-testid="parameter-inputs">
      {defs.map((def) => (
        <ParameterInput
          key={def.name}
          def={def}
          values={values}
          onChange={onChange}
          problem={problems.find((problem) => problem.parameter === def.name)?.message}
          {...(runOptionsQuery ? { runOptionsQuery } : {})}
        />
      ))}
    </div>
  );
}
