'use client';
// The busy flag and the last answer of a card's actions (enable, test, delete…), each shown on the card.

import { useState } from 'react';
import { ApiClientError } from '../_lib/api-client';

export type Feedback = { kind: 'ok' | 'error'; text: string } | null;

export function useCardActions(onChanged: () => void) {
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  async function act(work: () => Promise<Feedback>) {
    setBusy(true);
    setFeedback(null);
    try {
      setFeedback(await work());
      onChanged();
    } catch (e) {
      setFeedback({ kind: 'error', text: e instanceof ApiClientError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }
  return { feedback, setFeedback, busy, act };
}
