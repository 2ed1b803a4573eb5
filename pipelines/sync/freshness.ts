// Is a MySQL table fresh enough to trust right now? Its data is "as of" the moment the source read behind its
// synced Delta version began (sync/data-as-of.ts); its age is now minus that; past the table's freshness limit it
// is stale, even when MySQL equals Delta (nothing new was committed, or the runs stopped). Pure.

export type Freshness = 'fresh' | 'stale' | 'unknown';

export interface FreshnessJudgement {
  /** Seconds since data-as-of (0 when the source's clock is ahead of ours); null when the as-of is unknown. */
  ageSeconds: number | null;
  /** unknown: no as-of recorded yet (synced before issue 14, or not by a pipeline) or no limit to judge by. */
  freshness: Freshness;
}

export function judgeFreshness(
  dataAsOf: string | null,
  limitSeconds: number | null,
  now: Date,
): FreshnessJudgement {
  const asOf = dataAsOf === null ? Number.NaN : Date.parse(dataAsOf);
  if (!Number.isFinite(asOf)) return { ageSeconds: null, freshness: 'unknown' };
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - asOf) / 1000));
  if (limitSeconds === null) return { ageSeconds, freshness: 'unknown' };
  return { ageSeconds, freshness: ageSeconds > limitSeconds ? 'stale' : 'fresh' };
}

/** Age and limit in the words of a definition (42m, 3h 10m, 2h), for lines people read. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const parts: string[] = [];
  if (minutes >= 1440) parts.push(`${Math.floor(minutes / 1440)}d`);
  if (minutes % 1440 >= 60) parts.push(`${Math.floor((minutes % 1440) / 60)}h`);
  if (minutes % 60 > 0) parts.push(`${minutes % 60}m`);
  return parts.join(' ');
}

export interface TrustFacts {
  table: string;
  freshness: Freshness;
  dataAsOf: string | null;
  ageSeconds: number | null;
  freshnessLimitSeconds: number | null;
}

/**
 * Whether the front end may trust the table right now, in one line:
 * "parcels — fresh, data as of 2026-12-04 10:00 UTC (42m ago, limit 2h)".
 */
export function describeTrust(facts: TrustFacts): string {
  const limit =
    facts.freshnessLimitSeconds === null ? 'no limit set' : `limit ${formatAge(facts.freshnessLimitSeconds)}`;
  if (facts.dataAsOf === null || facts.ageSeconds === null) {
    return `${facts.table} — freshness unknown: no data-as-of recorded yet (the next pipeline sync records it; ${limit})`;
  }
  const asOf = `${facts.dataAsOf.slice(0, 16).replace('T', ' ')} UTC`;
  const word = facts.freshness === 'unknown' ? 'freshness unknown' : facts.freshness;
  return `${facts.table} — ${word}, data as of ${asOf} (${formatAge(facts.ageSeconds)} ago, ${limit})`;
}
