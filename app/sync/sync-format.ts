// How the sync page writes numbers and times: short, unambiguous, the same in every row. Pure functions.

import { NOT_KNOWN } from '../_lib/format';
import type { TableSyncStatus } from '@/server/api/sync-status';

export type DisplayState = 'in-sync' | 'lagging' | 'stale' | 'failed' | 'running';

export const STATE_LABEL: Record<DisplayState, string> = {
  'in-sync': 'in sync',
  lagging: 'lagging',
  stale: 'stale',
  failed: 'failed',
  running: 'running',
};

/** A running sync is what a person most wants to know about; otherwise the table's health. */
export function displayState(table: Pick<TableSyncStatus, 'state' | 'running'>): DisplayState {
  return table.running ? 'running' : table.state;
}

// Counts as on every other page.
export { formatCount } from '../_lib/format';

export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return NOT_KNOWN;
  if (minutes < 1) return minutes === 0 ? '0 min' : '< 1 min';
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${Math.round(minutes - hours * 60)} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return NOT_KNOWN;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatMinutes(ms / 60_000);
}

/** "3 min ago" next to the exact UTC time, which stays in the title for copying into a ticket. */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 60_000) return 'just now';
  return `${formatMinutes(ms / 60_000)} ago`;
}

export function formatVersion(value: number | null): string {
  return value === null ? NOT_KNOWN : `v${value}`;
}

/** 42 min, 3 h 10 min, 2 h: ages and limits in the line the front-end team reads. */
export function formatAge(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

type TrustFacts = Pick<
  TableSyncStatus,
  'table' | 'freshness' | 'dataAsOf' | 'ageSeconds' | 'freshnessLimitSeconds'
>;

/**
 * Whether the table may be trusted right now, in one line: "parcels — fresh, data as of 10:00 (42 min ago,
 * limit 2 h)". The time is the reader's own clock time; the exact UTC instant goes in the title.
 */
export function describeTrust(table: TrustFacts, formatTime: (iso: string) => string): string {
  const limit =
    table.freshnessLimitSeconds === null ? 'no limit set' : `limit ${formatAge(table.freshnessLimitSeconds)}`;
  if (table.dataAsOf === null || table.ageSeconds === null) {
    return `${table.table} — freshness unknown, no data-as-of recorded yet (${limit})`;
  }
  const word = table.freshness === 'unknown' ? 'freshness unknown' : table.freshness;
  return `${table.table} — ${word}, data as of ${formatTime(table.dataAsOf)} (${formatAge(table.ageSeconds)} ago, ${limit})`;
}

/** 10:00 today, "Dec 3, 10:00" on another day: short, in the reader's time zone. */
export function formatAsOfTime(iso: string, now: number): string {
  const date = new Date(iso);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return sameDay
    ? time
    : `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}
