// How far apart a pipeline's scheduled runs are, from its cron expression: the default freshness limit is twice
// that (a table may miss one run before it is stale). Uses cron-parser, the parser Agenda schedules with, so the
// interval is the one the worker keeps. Pure apart from the parser; lives here because pipelines/ cannot import
// server/scheduler/cron.ts.

import { CronExpressionParser } from 'cron-parser';

/** Runs looked at: enough for every minute-level pattern to repeat, few enough to stay instant. */
const SAMPLE_RUNS = 2000;
/** A year covers weekly, monthly and yearly schedules and both daylight-saving changes. */
const SAMPLE_SPAN_MS = 366 * 86_400_000;
/** Fixed start of the sample, so the same cron always gives the same interval (tests, messages). */
const SAMPLE_START = new Date('2026-01-01T00:00:00Z');

export class ScheduleIntervalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScheduleIntervalError';
  }
}

/**
 * The LONGEST gap between two consecutive runs of the schedule (ms): "0 9 * * 1-5" gives the weekend's 72 h, not
 * the weekday's 24 h, so a table is never reported stale while the schedule is merely keeping its rhythm.
 */
export function getScheduleIntervalMs(cron: string, timeZone = 'UTC'): number {
  let runs: Date[];
  try {
    const parsed = CronExpressionParser.parse(cron, { currentDate: SAMPLE_START, tz: timeZone });
    runs = [];
    const end = SAMPLE_START.getTime() + SAMPLE_SPAN_MS;
    while (runs.length < SAMPLE_RUNS) {
      if (!parsed.hasNext()) break;
      const next = parsed.next().toDate();
      runs.push(next);
      if (next.getTime() > end) break;
    }
  } catch (cause) {
    throw new ScheduleIntervalError(`"${cron}" is not a valid cron expression: ${(cause as Error).message}`, {
      cause,
    });
  }
  let longest = 0;
  for (let index = 1; index < runs.length; index += 1) {
    longest = Math.max(longest, (runs[index] as Date).getTime() - (runs[index - 1] as Date).getTime());
  }
  if (longest === 0) {
    throw new ScheduleIntervalError(`"${cron}" runs at most once a year: give the table a freshness limit`);
  }
  return longest;
}

/** 2h, 30m, 90s, 1d 6h: a duration as people write it in definitions and read it on the status page. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  let rest = seconds;
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}
