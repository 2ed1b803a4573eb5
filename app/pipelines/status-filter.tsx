// Which runs the list shows: all, only running, or only failed ones (the runs API filters; the choice is in
// the URL so it survives a reload and can be shared). Links, not a form: each choice is one request.

import Link from 'next/link';

export const STATUS_FILTERS = [
  { status: null, label: 'All runs' },
  { status: 'running', label: 'Running' },
  { status: 'failed', label: 'Failed' },
  { status: 'abandoned', label: 'Abandoned' },
] as const;

export type StatusFilterValue = (typeof STATUS_FILTERS)[number]['status'];

export function parseStatusFilter(value: string | null): StatusFilterValue {
  return STATUS_FILTERS.find((f) => f.status === value)?.status ?? null;
}

/** The page's URL for a selected run and filter, so neither choice drops the other. */
export function pipelinesHref(run: string | null, status: StatusFilterValue): string {
  const params = new URLSearchParams();
  if (status) params.set('status', status);
  if (run) params.set('run', run);
  const query = params.toString();
  return query ? `/pipelines?${query}` : '/pipelines';
}

export function StatusFilter({ current, run }: { current: StatusFilterValue; run: string | null }) {
  return (
    <nav className="status-filter" aria-label="Filter runs by status">
      {STATUS_FILTERS.map((f) => (
        <Link
          key={f.label}
          href={pipelinesHref(run, f.status)}
          scroll={false}
          aria-current={f.status === current ? 'page' : undefined}
        >
          {f.label}
        </Link>
      ))}
    </nav>
  );
}
