import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Log in' };

export default function LoginPage() {
  return (
    <>
      <header className="page-header">
        <h1>Log in</h1>
      </header>
      {/* useSearchParams (the redirect target) needs a Suspense boundary in a statically rendered page. */}
      <Suspense fallback={null}>
        <LoginForm />
      </Suspense>
    </>
  );
}
