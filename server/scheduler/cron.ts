// Cron expressions as admins write them: five fields (minute hour day month weekday), validated with the same
// parser Agenda uses (cron-parser), described in words (cronstrue) and expanded to the next runs in the
// schedule's time zone, so what the UI shows is what Agenda will do.

import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';

export const DEFAULT_CRON = '0 * * * *'; // hourly, on the hour (ARCHITECTURE.md §1)

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

/** Throws CronError with a message a person can act on; returns the normalised expression. */
export function validateCron(expression: string, timezone = 'UTC'): string {
  const normalised = expression.trim().replace(/\s+/g, ' ');
  const fields = normalised.split(' ').length;
  if (normalised === '' || fields !== 5) {
    throw new CronError(
      `"${expression}" is not a five-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 * * * *" for hourly`,
    );
  }
  try {
    CronExpressionParser.parse(normalised, { tz: timezone });
  } catch (error) {
    throw new CronError(`"${expression}" is not a valid cron expression: ${(error as Error).message}`);
  }
  validateTimezone(timezone);
  return normalised;
}

export function validateTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new CronError(`"${timezone}" is not a time zone; use an IANA name such as UTC or America/Chicago`);
  }
  return timezone;
}

export function describeCron(expression: string): string {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return expression;
  }
}

/** The next `count` run times strictly after `from`. */
export function nextRuns(expression: string, timezone: string, from: Date, count = 5): Date[] {
  const parsed = CronExpressionParser.parse(expression, { currentDate: from, tz: timezone });
  return parsed.take(count).map((d) => d.toDate());
}

/** The scheduled time a run started at `startedAt` stands for: the latest occurrence at or before it. */
export function nominalTime(expression: string, timezone: string, startedAt: Date): Date | null {
  try {
    const parsed = CronExpressionParser.parse(expression, {
      currentDate: new Date(startedAt.getTime() + 1000),
      tz: timezone,
    });
    return parsed.prev().toDate();
  } catch {
    return null;
  }
}
