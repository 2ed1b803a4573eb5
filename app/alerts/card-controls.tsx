'use client';
// What the channel and rule cards share: enable/disable, edit (the card's own form), delete behind a
// confirmation, any extra action before those, and the line that shows the last answer.

import { useState, type ReactNode } from 'react';
import { api } from '../_lib/api-client';
import { useCardActions, type Feedback } from './use-card-actions';

export interface CardControlsProps {
  /** The item's API path (PATCH to enable/disable, DELETE to delete). */
  path: string;
  name: string;
  enabled: boolean;
  /** What disabling means, shown after it. */
  disabledNote: string;
  /** What deleting means, shown in the confirmation. */
  deleteNote: string;
  onChanged: () => void;
  /** Extra actions before the common ones; given `act` so their answers show on the card too. */
  extra?: (act: (work: () => Promise<Feedback>) => Promise<void>, busy: boolean) => ReactNode;
  /** The edit form; call onSaved with the message to show once it saved. */
  editForm: (onSaved: (text: string) => void) => ReactNode;
}

export function CardControls(props: CardControlsProps) {
  const { feedback, setFeedback, busy, act } = useCardActions(props.onChanged);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const toggle = () =>
    act(async () => {
      await api.patch(props.path, { enabled: !props.enabled });
      return { kind: 'ok', text: props.enabled ? props.disabledNote : 'Enabled.' };
    });
  const remove = () =>
    act(async () => {
      await api.delete(props.path);
      setConfirming(false);
      return { kind: 'ok', text: `Deleted ${props.name}.` };
    });

  return (
    <>
      <div className="actions">
        {props.extra?.(act, busy)}
        <button type="button" onClick={toggle} disabled={busy}>
          {props.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing} disabled={busy}>
          Edit
        </button>
        <button type="button" className="button-danger" onClick={() => setConfirming(true)} disabled={busy}>
          Delete
        </button>
      </div>
      {confirming ? (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${props.name}`}>
          <p>
            Delete <strong>{props.name}</strong>? {props.deleteNote}
          </p>
          <button type="button" className="button-danger" onClick={remove} disabled={busy}>
            Delete {props.name}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
            Keep it
          </button>
        </div>
      ) : null}
      {editing
        ? props.editForm((text) => {
            setEditing(false);
            setFeedback({ kind: 'ok', text });
            props.onChanged();
          })
        : null}
      {feedback ? (
        <p
          role={feedback.kind === 'error' ? 'alert' : 'status'}
          className={feedback.kind === 'error' ? 'form-error' : 'form-ok'}
          data-testid="card-feedback"
        >
          {feedback.text}
        </p>
      ) : null}
    </>
  );
}
