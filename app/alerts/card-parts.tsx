'use client';
// Pieces the channel and rule cards share: the confirm-delete group and the feedback line.

import type { Feedback } from './use-card-actions';

export function ConfirmDelete({
  name,
  what,
  busy,
  onDelete,
  onKeep,
}: {
  name: string;
  what: string;
  busy: boolean;
  onDelete: () => void;
  onKeep: () => void;
}) {
  return (
    <div className="confirm" role="group" aria-label={`Confirm deleting ${name}`}>
      <p>
        Delete <strong>{name}</strong>? {what}
      </p>
      <button type="button" className="button-danger" onClick={onDelete} disabled={busy}>
        Delete {name}
      </button>{' '}
      <button type="button" onClick={onKeep} disabled={busy}>
        Keep it
      </button>
    </div>
  );
}

export function FeedbackLine({ feedback }: { feedback: Feedback }) {
  if (!feedback) return null;
  return (
    <p
      role={feedback.kind === 'error' ? 'alert' : 'status'}
      className={feedback.kind === 'error' ? 'form-error' : 'form-ok'}
      data-testid="card-feedback"
    >
      {feedback.text}
    </p>
  );
}
