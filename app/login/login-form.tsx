'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { apiFetch } from '../_lib/api-client';
import { safeNextPath } from '../_lib/safe-next';
import { useFormSubmit } from '../_lib/use-form-submit';

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { error, busy, submit } = useFormSubmit(
    async (form) => {
      // A 401 here is a wrong password, shown below, not an ended session.
      await apiFetch('/api/auth/login', {
        method: 'POST',
        body: { username: form.get('username'), password: form.get('password') },
        redirectOn401: false,
      });
      // Only same-site paths: `?next=https://evil.example` must not turn the login page into an open redirect.
      router.replace(safeNextPath(params.get('next')));
      router.refresh();
    },
    () => 'Login failed; try again',
  );

  return (
    <form className="login-form" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
      <p>
        <label htmlFor="username">Username</label>
        <br />
        <input id="username" name="username" autoComplete="username" required autoFocus />
      </p>
      <p>
        <label htmlFor="password">Password</label>
        <br />
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </p>
      {error ? (
        <p id="login-error" role="alert" className="form-error" data-testid="login-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
