'use client';
// Notebook parameters: name = value pairs substituted for {{name}} in every SQL cell before it runs.

import { useState } from 'react';

export function ParametersEditor({
  parameters,
  onChange,
}: {
  parameters: Record<string, string>;
  onChange(parameters: Record<string, string>): void;
}) {
  const [name, setName] = useState('');
  const entries = Object.entries(parameters);
  const set = (key: string, value: string) => onChange({ ...parameters, [key]: value });
  const remove = (key: string) => onChange(Object.fromEntries(entries.filter(([k]) => k !== key)));
  return (
    <details className="wb-parameters" open={entries.length > 0}>
      <summary>
        Parameters ({entries.length}) — use as {'{{name}}'} in SQL
      </summary>
      {entries.map(([key, value]) => (
        <div key={key} className="wb-parameter">
          <code>{key}</code>
          <input aria-label={`Parameter ${key}`} value={value} onChange={(e) => set(key, e.target.value)} />
          <button type="button" aria-label={`Remove parameter ${key}`} onClick={() => remove(key)}>
            ✕
          </button>
        </div>
      ))}
      <form
        className="wb-parameter"
        onSubmit={(event) => {
          event.preventDefault();
          if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !(name in parameters)) {
            set(name, '');
            setName('');
          }
        }}
      >
        <input
          placeholder="new parameter name"
          aria-label="New parameter name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit">Add</button>
      </form>
    </details>
  );
}
