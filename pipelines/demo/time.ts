// Seeded data is anchored to a fixed instant, never the wall clock, so the same seed gives the same rows on any
// day. The change generator moves the data forward from there with its own (injected) clock.

import type { Rng } from './random';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** The "now" of the seeded data: everything seeded happened before this instant. */
export const ANCHOR_MS = Date.UTC(2026, 10, 1);
/** How far back the seeded history reaches (about ten years). */
export const SPAN_DAYS = 3652;
export const START_MS = ANCHOR_MS - SPAN_DAYS * DAY_MS;

/** Midnight UTC of the day holding ms. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** YYYY-MM-DD of an instant (UTC), the text form of a SQL date. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 in UTC, accepted as timestamptz by PostgreSQL. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A moment during county office hours on the day holding dayMs. The county is on Pacific time; office hours
 * 7:30-17:30 local are 15:30-01:30 UTC (PST), close enough for synthetic data without a time-zone database.
 */
export function officeTime(rng: Rng, dayMs: number): number {
  return startOfDay(dayMs) + 15.5 * HOUR_MS + Math.floor(rng.next() * 10 * HOUR_MS);
}

/** Any moment of the day holding dayMs, weighted to waking hours (06:00-23:00 local), for web and app traffic. */
export function wakingTime(rng: Rng, dayMs: number): number {
  return startOfDay(dayMs) + 14 * HOUR_MS + Math.floor(rng.next() * 17 * HOUR_MS);
}

/** The calendar year of an instant (UTC). */
export function yearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}
