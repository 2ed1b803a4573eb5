import Link from 'next/link';

export default function NotFound() {
  return (
    <header className="page-header">
      <h1>Page not found</h1>
      <p className="lead">
        There is no page at this address. Use the navigation above, or go back to the{' '}
        <Link href="/">home page</Link>.
      </p>
    </header>
  );
}
