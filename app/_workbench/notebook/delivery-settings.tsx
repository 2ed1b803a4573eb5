'use client';
// Where a scheduled notebook's results go (issue 15): e-mail addresses, users (their address from the users file)
// and the admins' webhook channels; attachments as CSV or Excel, or a link only; which outputs; whether to send
// on success too (a failed run always reaches the owner). Edits a DeliverySettings value: the schedule panel
// that hosts it saves it, and the server checks it again.

import { useEffect, useId, useState } from 'react';
import { DELIVERY_FORMATS, type DeliverySettings } from '@/server/delivery/delivery-settings';
import { apiFetch } from '../../_lib/api-client';
import { ErrorNotice } from '../error-notice';
import {
  addTarget,
  describeTarget,
  removeTarget,
  TARGET_KINDS,
  toggleOutput,
  type TargetKind,
} from './delivery-targets';

const FORMAT_LABELS: Record<DeliverySettings['format'], string> = {
  csv: 'CSV attachments',
  xlsx: 'Excel attachments',
  link: 'Link only',
};

export interface DeliverySettingsEditorProps {
  value: DeliverySettings;
  onChange: (next: DeliverySettings) => void;
  /** The notebook's named results (cell result names) that a run stores. */
  outputs: string[];
}

export function DeliverySettingsEditor({ value, onChange, outputs }: DeliverySettingsEditorProps) {
  const [channels, setChannels] = useState<{ id: string; name: string }[]>([]);
  const [channelsError, setChannelsError] = useState<Error | null>(null);
  const [kind, setKind] = useState<TargetKind>('email');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // Radio groups are grouped by name: one per editor, should a page hold two.
  const formatGroup = useId();

  useEffect(() => {
    let live = true;
    apiFetch<{ channels: { id: string; name: string }[] }>('/api/alerts/webhook-channels').then(
      (r) => live && setChannels(r.channels),
      (e: Error) => live && setChannelsError(e),
    );
    return () => {
      live = false;
    };
  }, []);

  const add = () => {
    const result = addTarget(value, kind, text);
    if ('error' in result) {
      setProblem(result.error);
      return;
    }
    setProblem(null);
    setText('');
    onChange(result.settings);
  };
  const kindInfo = TARGET_KINDS.find((k) => k.kind === kind)!;
  // Outputs chosen earlier that the notebook no longer has stay visible, so they can be unticked.
  const listed = [...outputs, ...value.outputs.filter((o) => !outputs.includes(o))];

  return (
    <fieldset className="wb-delivery" data-testid="delivery-settings">
      <legend>Delivery</legend>
      {value.targets.length === 0 ? (
        <p className="wb-muted">Nobody yet. A failed run always e-mails the notebook&apos;s owner.</p>
      ) : null}
      <ul>
        {value.targets.map((target, index) => (
          <li key={JSON.stringify(target)} data-testid="delivery-target">
            {describeTarget(target, channels)}{' '}
            <button type="button" onClick={() => onChange(removeTarget(value, index))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div>
        <select
          aria-label="Send to"
          value={kind}
          onChange={(event) => {
            setKind(event.target.value as TargetKind);
            setText('');
            setProblem(null);
          }}
        >
          {TARGET_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>{' '}
        {kind === 'webhook' ? (
          <select aria-label="Webhook channel" value={text} onChange={(event) => setText(event.target.value)}>
            <option value="">
              {channels.length === 0 ? 'no webhook channel (admins add them on Alerts)' : 'pick a channel'}
            </option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            aria-label={kindInfo.label}
            placeholder={kindInfo.placeholder}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
        )}{' '}
        <button type="button" onClick={add}>
          Add
        </button>
        {problem ? (
          <span className="wb-error" role="alert">
            {' '}
            {problem}
          </span>
        ) : null}
      </div>
      {channelsError ? <ErrorNotice error={channelsError} /> : null}
      <div role="radiogroup" aria-label="Format">
        {DELIVERY_FORMATS.map((format) => (
          <label key={format}>
            <input
              type="radio"
              name={formatGroup}
              value={format}
              checked={value.format === format}
              onChange={() => onChange({ ...value, format })}
            />{' '}
            {FORMAT_LABELS[format]}{' '}
          </label>
        ))}
        <span className="wb-muted">
          {' '}
          Attachments up to 10 MB per message; larger outputs are sent as a download link.
        </span>
      </div>
      {listed.length > 0 ? (
        <div aria-label="Outputs">
          <span>Outputs{value.outputs.length === 0 ? ' (all)' : ''}: </span>
          {listed.map((name) => (
            <label key={name}>
              <input
                type="checkbox"
                checked={value.outputs.includes(name)}
                onChange={(event) => onChange(toggleOutput(value, name, event.target.checked))}
              />{' '}
              {name}{' '}
            </label>
          ))}
        </div>
      ) : (
        <p className="wb-muted">No named results yet: a run sends all of its outputs.</p>
      )}
      <label>
        <input
          type="checkbox"
          checked={value.onSuccess}
          onChange={(event) => onChange({ ...value, onSuccess: event.target.checked })}
        />{' '}
        Also send when the run succeeds (failures always reach the owner)
      </label>
    </fieldset>
  );
}
