'use client';
// Defining a notebook's parameters: name and type when added; then label, required, default, bounds (numbers) and
// options (choices: a fixed list, one per line, or a query whose first column gives them). SQL uses them as
// {{name}}, a date range as {{name.from}} and {{name.to}}. The values a run gets are set in parameter-inputs.tsx.

import { useState } from 'react';
import { PARAMETER_TYPES, type ParameterDef, type ParameterType } from '@/server/notebooks/parameter-types';
import { PARAMETER_NAME } from '@/server/notebooks/parameter-defs';
import { ValueInput } from './value-input';

const TYPE_LABEL: Record<ParameterType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  date_range: 'Date range',
  single_choice: 'Single choice',
  multi_choice: 'Multiple choice',
};

const isChoice = (type: ParameterType) => type === 'single_choice' || type === 'multi_choice';

/** The same parameter under another type: what no longer fits (default, bounds, options) is dropped. */
function retype(def: ParameterDef, type: ParameterType): ParameterDef {
  const { name, label, required, options, optionsQuery } = def;
  return {
    name,
    type,
    ...(label !== undefined ? { label } : {}),
    ...(required ? { required } : {}),
    ...(isChoice(type) && options ? { options } : {}),
    ...(isChoice(type) && optionsQuery !== undefined ? { optionsQuery } : {}),
  };
}

function without<K extends keyof ParameterDef>(def: ParameterDef, key: K): ParameterDef {
  const copy = { ...def };
  delete copy[key];
  return copy;
}

/** One option per line; the text is kept as typed so a new line can be started. */
function OptionLines({ def, onChange }: { def: ParameterDef; onChange(def: ParameterDef): void }) {
  const [text, setText] = useState((def.options ?? []).join('\n'));
  return (
    <textarea
      aria-label={`Options of ${def.name}`}
      placeholder="one option per line"
      rows={3}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        const options = event.target.value
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean);
        onChange(options.length > 0 ? { ...def, options: [...new Set(options)] } : without(def, 'options'));
      }}
    />
  );
}

function DefEditor({
  def,
  onChange,
  onRemove,
}: {
  def: ParameterDef;
  onChange(def: ParameterDef): void;
  onRemove(): void;
}) {
  const fromQuery = def.optionsQuery !== undefined;
  const bound = (key: 'min' | 'max', text: string) =>
    onChange(
      text.trim() === '' || !Number.isFinite(Number(text))
        ? without(def, key)
        : { ...def, [key]: Number(text) },
    );
  return (
    <fieldset className="wb-parameter-def" data-testid={`parameter-def-${def.name}`}>
      <legend>
        <code>{`{{${def.name}${def.type === 'date_range' ? '.from' : ''}}}`}</code>
      </legend>
      <select
        aria-label={`Type of ${def.name}`}
        value={def.type}
        onChange={(event) => onChange(retype(def, event.target.value as ParameterType))}
      >
        {PARAMETER_TYPES.map((type) => (
          <option key={type} value={type}>
            {TYPE_LABEL[type]}
          </option>
        ))}
      </select>
      <input
        aria-label={`Label of ${def.name}`}
        placeholder="label"
        value={def.label ?? ''}
        onChange={(event) =>
          onChange(event.target.value ? { ...def, label: event.target.value } : without(def, 'label'))
        }
      />
      <label>
        <input
          type="checkbox"
          checked={def.required ?? false}
          onChange={(event) =>
            onChange(event.target.checked ? { ...def, required: true } : without(def, 'required'))
          }
        />
        required
      </label>
      {def.type === 'number' ? (
        <>
          <input
            type="number"
            aria-label={`Minimum of ${def.name}`}
            placeholder="min"
            defaultValue={def.min ?? ''}
            onChange={(event) => bound('min', event.target.value)}
          />
          <input
            type="number"
            aria-label={`Maximum of ${def.name}`}
            placeholder="max"
            defaultValue={def.max ?? ''}
            onChange={(event) => bound('max', event.target.value)}
          />
        </>
      ) : null}
      {isChoice(def.type) ? (
        <span className="wb-parameter-options">
          <select
            aria-label={`Options source of ${def.name}`}
            value={fromQuery ? 'query' : 'list'}
            onChange={(event) =>
              onChange(
                event.target.value === 'query'
                  ? { ...without(def, 'options'), optionsQuery: def.optionsQuery ?? '' }
                  : without(def, 'optionsQuery'),
              )
            }
          >
            <option value="list">fixed list</option>
            <option value="query">from a query</option>
          </select>
          {fromQuery ? (
            <textarea
              aria-label={`Options query of ${def.name}`}
              placeholder="SELECT DISTINCT district FROM permits ORDER BY 1"
              rows={2}
              value={def.optionsQuery ?? ''}
              onChange={(event) => onChange({ ...def, optionsQuery: event.target.value })}
            />
          ) : (
            <OptionLines def={def} onChange={onChange} />
          )}
        </span>
      ) : null}
      <span className="wb-parameter-default">
        default{' '}
        <ValueInput
          def={def}
          value={def.default ?? null}
          label={`Default of ${def.name}`}
          options={isChoice(def.type) && !fromQuery ? (def.options ?? []) : null}
          onChange={(value) =>
            onChange(
              value === '' || value === null || (Array.isArray(value) && value.length === 0)
                ? without(def, 'default')
                : { ...def, default: value },
            )
          }
        />
      </span>
      <button type="button" aria-label={`Remove parameter ${def.name}`} onClick={onRemove}>
        ✕
      </button>
    </fieldset>
  );
}

export function ParametersEditor({
  parameters,
  onChange,
}: {
  parameters: readonly ParameterDef[];
  onChange(parameters: ParameterDef[]): void;
}) {
  const [name, setName] = useState('');
  const [type, setType] = useState<ParameterType>('text');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <details className="wb-parameters" open={parameters.length > 0}>
      <summary>
        Parameters ({parameters.length}) — use as {'{{name}}'} in SQL, a date range as {'{{name.from}}'} and{' '}
        {'{{name.to}}'}
      </summary>
      {parameters.map((def, index) => (
        <DefEditor
          key={def.name}
          def={def}
          onChange={(changed) => onChange(parameters.map((d, i) => (i === index ? changed : d)))}
          onRemove={() => onChange(parameters.filter((_, i) => i !== index))}
        />
      ))}
      <form
        className="wb-parameter"
        onSubmit={(event) => {
          event.preventDefault();
          if (!PARAMETER_NAME.test(name)) {
            setProblem('A parameter name is a SQL identifier: a letter or _, then letters, digits, _');
          } else if (parameters.some((def) => def.name === name)) {
            setProblem(`There is already a parameter named ${name}`);
          } else {
            onChange([...parameters, { name, type }]);
            setName('');
            setProblem(null);
          }
        }}
      >
        <input
          placeholder="new parameter name"
          aria-label="New parameter name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select
          aria-label="New parameter type"
          value={type}
          onChange={(e) => setType(e.target.value as ParameterType)}
        >
          {PARAMETER_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABEL[t]}
            </option>
          ))}
        </select>
        <button type="submit">Add</button>
        {problem ? (
          <span className="wb-error" role="alert">
            {problem}
          </span>
        ) : null}
      </form>
    </details>
  );
}
