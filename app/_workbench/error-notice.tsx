'use client';
// An API failure shown where it happened; a missing session links to the login page and back here.

import { WorkbenchApiError } from './api';

export function ErrorNotice({ error }: { error: Error }) {
  if (error instanceof WorkbenchApiError && error.status === 401) {
    const next = typeof window === 'undefined' ? '/workbench' : window.location.pathname;
    return (
      <p className="wb-error" role="alert">
        You are not logged in. <a href={`/login?next=${encodeURIComponent(next)}`}>Log in</a> to use the
        workbench.
      </p>
    );
  }
  return (
    <p className="wb-error" role="alert">
      {error.message}
    </p>
  );
}
