// Table properties the writer honours (metaData.configuration), with Delta's defaults. Pure.

import { DeltaError } from '../errors';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
};

/** Parses Spark calendar intervals as used in table properties: `interval 30 days`, `interval 1 week`, `168 hours`. */
export function parseIntervalMs(text: string): number {
  const body = text
    .trim()
    .toLowerCase()
    .replace(/^interval\s+/, '');
  const parts = body.split(/\s+/);
  if (parts.length % 2 !== 0) throw new DeltaError('INVALID_ARGUMENT', `Invalid interval '${text}'`);
  let total = 0;
  for (let index = 0; index < parts.length; index += 2) {
    const amount = Number(parts[index]);
    const unit = (parts[index + 1] ?? '').replace(/s$/, '');
    const factor = UNIT_MS[unit];
    if (!Number.isFinite(amount) || factor === undefined) {
      throw new DeltaError('INVALID_ARGUMENT', `Invalid interval '${text}'`);
    }
    total += amount * factor;
  }
  return total;
}

export function getCheckpointInterval(configuration: Record<string, string>): number {
  const raw = configuration['delta.checkpointInterval'];
  const value = raw === undefined ? 10 : Number(raw);
  return Number.isInteger(value) && value > 0 ? value : 10;
}

/** How long log entries are kept (`delta.logRetentionDuration`, default 30 days). */
export function getLogRetentionMs(configuration: Record<string, string>): number {
  const raw = configuration['delta.logRetentionDuration'];
  return raw === undefined ? 30 * DAY_MS : parseIntervalMs(raw);
}

/** How long removed files stay vacuum-safe (`delta.deletedFileRetentionDuration`, default 1 week). */
export function getDeletedFileRetentionMs(configuration: Record<string, string>): number {
  const raw = configuration['delta.deletedFileRetentionDuration'];
  return raw === undefined ? 7 * DAY_MS : parseIntervalMs(raw);
}

export function isExpiredLogCleanupEnabled(configuration: Record<string, string>): boolean {
  return (configuration['delta.enableExpiredLogCleanup'] ?? 'true').toLowerCase() !== 'false';
}

export function isAppendOnly(configuration: Record<string, string>): boolean {
  return (configuration['delta.appendOnly'] ?? 'false').toLowerCase() === 'true';
}

export function getNumIndexedCols(configuration: Record<string, string>): number {
  const raw = configuration['delta.dataSkippingNumIndexedCols'];
  const value = raw === undefined ? 32 : Number(raw);
  return Number.isInteger(value) ? value : 32;
}

export const HOURS_PER_WEEK = 168;
export { HOUR_MS, DAY_MS };
