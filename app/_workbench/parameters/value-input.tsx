'use client';
// One input for one parameter value, by the parameter's type: text, number, date, two dates, a select, or a list
// of checkboxes. Used for the values a run gets (parameter-inputs.tsx) and for a parameter's default
// (parameters-editor.tsx). A cleared input gives '' (not null), so the URL keeps "cleared" and the default applies.

import type { DateRange, ParameterDef, ParameterValue } from '@/server/notebooks/parameter-types';

export interface ValueInputProps {
  def: ParameterDef;
  value: ParameterValue;
  onChange(value: ParameterValue): void;
  /** Accessible name of the input (date ranges add " from" / " to"). */
  label: string;
  /** A choice's options; null while unknown (a query not run yet): the choice is typed in instead. */
  options: readonly string[] | null;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function asRange(value: ParameterValue): DateRange {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : { from: '', to: '' };
}

export function ValueInput({ def, value, onChange, label, options }: ValueInputProps) {
  switch (def.type) {
    case 'number':
      return (
        <input
          type="number"
          aria-label={label}
          value={value === null ? '' : String(value)}
          {...(def.min !== undefined ? { min: def.min } : {})}
          {...(def.max !== undefined ? { max: def.max } : {})}
          step="any"
          onChange={(event) => {
            const text = event.target.value.trim();
            // Kept as typed when not a number, so the problem is shown rather than the value dropped.
            onChange(NUMBER.test(text) ? Number(text) : text);
          }}
        />
      );
    case 'date':
      return (
        <input
          type="date"
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'date_range': {
      const range = asRange(value);
      return (
        <span className="wb-parameter-range">
          <input
            type="date"
            aria-label={`${label} from`}
            value={range.from}
            onChange={(event) => onChange({ ...range, from: event.target.value })}
          />
          –
          <input
            type="date"
            aria-label={`${label} to`}
            value={range.to}
            onChange={(event) => onChange({ ...range, to: event.target.value })}
          />
        </span>
      );
    }
    case 'single_choice':
      if (options === null) break;
      return (
        <select
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value)}
        >
          <option value="">—</option>
          {/* A value from a link that the list no longer has stays visible, so the problem shown makes sense. */}
          {(typeof value === 'string' && value !== '' && !options.includes(value) ? [value] : [])
            .concat(options)
            .map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
        </select>
      );
    case 'multi_choice': {
      const chosen = Array.isArray(value) ? value : [];
      if (options === null) {
        return (
          <input
            aria-label={label}
            placeholder="a, b, c"
            value={chosen.join(', ')}
            onChange={(event) =>
              onChange(
                event.target.value
                  .split(',')
                  .map((part) => part.trim())
                  .filter(Boolean),
              )
            }
          />
        );
      }
      const shown = [...chosen.filter((item) => !options.includes(item)), ...options];
      return (
        <fieldset className="wb-parameter-choices" aria-label={label}>
          {shown.map((option) => (
            <label key={option}>
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                onChange={(event) =>
                  onChange(
                    event.target.checked
                      ? shown.filter((item) => item === option || chosen.includes(item))
                      : chosen.filter((item) => item !== option),
                  )
                }
              />
              {option}
            </label>
          ))}
        </fieldset>
      );
    }
    default:
      break;
  }
  return (
    <input
      aria-label={label}
      value={typeof value === 'string' ? value : value === null ? '' : String(value)}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
