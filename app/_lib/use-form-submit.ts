'use client';
// A form that sends its fields once and stays on screen only to show a failure: busy from submit on (a success
// leaves the page or closes the form, so its button stays disabled), and on failure the server's message, or the
// caller's words for anything else, with the button enabled again so what was typed can be fixed and resent.

import { useState, type FormEvent } from 'react';
import { ApiClientError } from './api-client';

export function useFormSubmit(
  send: (form: FormData) => Promise<void>,
  describeFailure: (error: unknown) => string,
): { error: string | null; busy: boolean; submit: (event: FormEvent<HTMLFormElement>) => Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await send(form);
    } catch (e) {
      setError(e instanceof ApiClientError ? e.message : describeFailure(e));
      setBusy(false);
    }
  }

  return { error, busy, submit };
}
