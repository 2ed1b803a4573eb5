// Plain formatting shared by the admin pages: times in the viewer's locale with the zone shown, durations a
// person reads at a glance, counts with thousands separators, and "—" for what is not known (never 0).

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const count = new Intl.NumberFormat();

export const NOT_KNOWN = '—';

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return NOT_KNOWN;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? NOT_KNOWN : dateTime.format(date);
}

/** Compact, for table cells: no year or zone (the full time is in the cell's title). */
export function formatShortTime(iso: string): string {
  return shortDateTime.format(new Date(iso));
}

/** In a given IANA zone (a schedule's), so "next runs" read as the schedule means them. */
export function formatTimeIn(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, {
      // dateStyle/timeStyle cannot be combined with timeZoneName, so the fields are spelled out.
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return formatTime(iso);
  }
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return NOT_KNOWN;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** From start to finish, or to `now` while still running. */
export function runDuration(run: { startedAt: string; finishedAt: string | null }, now: number): number {
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return end - Date.parse(run.startedAt);
}

export function formatCount(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? count.format(value) : NOT_KNOWN;
}
