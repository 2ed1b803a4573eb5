'use client';
// Who is looking, so a page can hide what their roles cannot do. The server enforces every permission;
// this only keeps buttons that would be refused off the screen.

import { useEffect, useState } from 'react';
import { apiFetch, ApiClientError } from './api-client';
import type { CurrentUser, Permission } from './control-types';

export type UserState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'error'; message: string }
  | { status: 'ready'; user: CurrentUser };

export function useCurrentUser(): UserState {
  const [state, setState] = useState<UserState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    // A 401 here answers "nobody is signed in" (the page shows its log-in notice), so no redirect.
    apiFetch<{ user: CurrentUser }>('/api/auth/me', { signal: controller.signal, redirectOn401: false })
      .then(({ user }) => setState({ status: 'ready', user }))
      .catch((error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        if (error instanceof ApiClientError && error.status === 401) setState({ status: 'anonymous' });
        else setState({ status: 'error', message: (error as Error).message });
      });
    return () => controller.abort();
  }, []);
  return state;
}

export function can(state: UserState, permission: Permission): boolean {
  return state.status === 'ready' && state.user.permissions.includes(permission);
}
