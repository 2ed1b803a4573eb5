'use client';
// An admin's reconcile of one pipeline (issue 14): compare its tables with the source, or compare and repair the
// differing keys. Both go through the worker (POST /api/pipelines/<name>/reconcile queues a pipeline.reconcile
// run under the pipeline's lock); the run then appears in the list with its figures and the keys in its log.

import { useState } from 'react';
import { api, ApiClientError } from '../_lib/api-client';

type Feedback = { kind: 'ok' | 'error'; text: string } | null;

export function ReconcileActions({ pipeline, onQueued }: { pipeline: string; onQueued: () => void }) {
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);

  async function start(repair: boolean) {
    setBusy(true);
    setFeedback(null);
    try {
      await api.post(`/api/pipelines/${encodeURIComponent(pipeline)}/reconcile`, { repair });
      setFeedback({
        kind: 'ok',
        text: repair
          ? `Reconcile with repair of ${pipeline} queued: differing keys are re-extracted into Delta, then synced.`
          : `Reconcile of ${pipeline} queued: its run lists the keys that differ, and changes nothing.`,
      });
      onQueued();
    } catch (e) {
      setFeedback({ kind: 'error', text: e instanceof ApiClientError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="actions" data-testid="reconcile-actions">
      <button type="button" onClick={() => void start(false)} disabled={busy}>
        Reconcile
      </button>{' '}
      <button type="button" onClick={() => void start(true)} disabled={busy}>
        Reconcile and repair
      </button>
      {feedback ? (
        <p
          role={feedback.kind === 'error' ? 'alert' : 'status'}
          className={feedback.kind === 'error' ? 'form-error' : 'form-ok'}
          data-testid="reconcile-feedback"
        >
          {feedback.text}
        </p>
      ) : null}
    </div>
  );
}
