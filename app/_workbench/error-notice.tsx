'use client';
// An API failure shown where it happened. A missing session links to the login page and back here (the API
// client is already on its way there after a 401; a visitor who never signed in sees the link instead).

import { ApiClientError, loginUrl } from '../_lib/api-client';

export function LoginNotice() {
  const next =
    typeof window === 'undefined' ? '/workbench' : `${window.location.pathname}${window.location.search}`;
  return (
    <p className="wb-error" role="alert">
      You are not logged in. <a href={loginUrl(next)}>Log in</a> to use the workbench.
    </p>
  );
}

export function ErrorNotice({ error }: { error: Error }) {
  if (error instanceof ApiClientError && error.status === 401) return <LoginNotice />;
  return (
    <p className="wb-error" role="alert">
      {error.message}
    </p>
  );
}
