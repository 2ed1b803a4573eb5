// What reconcile reports per table: counts on each side, the chunks compared, the keys that differ (how many, and
// the first ones), what a repair wrote. Plain data: it goes to the CLI's output, the run's progress and log, and
// to the run record's results.reconcile.

export type KeyIssue = 'missing_in_delta' | 'missing_in_source' | 'different';

export interface DifferingKey {
  /** The key's canonical text (values joined by '|'; '%N' for NULL). */
  key: string;
  issue: KeyIssue;
}

export interface ReconcileTableResult {
  table: string;
  /** Lake path of the Delta table. */
  target: string;
  /** Delta version compared (null: no Delta table yet). */
  deltaVersion: number | null;
  sourceRows: number;
  deltaRows: number;
  /** Chunks the rows were bucketed into by key hash, and how many of them differed. */
  chunks: number;
  differingChunks: number;
  missingInDelta: number;
  missingInSource: number;
  different: number;
  /** All differing keys (the three above added up). */
  differingKeys: number;
  /** The first keys that differ (at most SHOWN_KEYS). */
  keys: DifferingKey[];
  /** Columns compared (keys included) and columns left out, with why. */
  columnsCompared: string[];
  columnsSkipped: { column: string; reason: string }[];
  /** Set when --repair ran: the Delta version written (null: nothing to repair, nothing written). */
  repair: { version: number | null; rowsReextracted: number; rowsDeleted: number } | null;
  /** Set when the table could not be reconciled. */
  error?: string;
}

export const SHOWN_KEYS = 100;

/** The figures a run records as progress, under `<table>.<figure>`. */
export function reconcileProgress(result: ReconcileTableResult): Record<string, number | string | null> {
  return {
    sourceRows: result.sourceRows,
    deltaRows: result.deltaRows,
    differingChunks: result.differingChunks,
    missingInDelta: result.missingInDelta,
    missingInSource: result.missingInSource,
    different: result.different,
    differingKeys: result.differingKeys,
    repairedVersion: result.repair?.version ?? null,
    ...(result.error ? { error: result.error } : {}),
  };
}

/** Human lines for a table: the summary, then the keys shown. */
export function describeReconcileResult(result: ReconcileTableResult): string[] {
  if (result.error) return [`${result.table}: FAILED ${result.error}`];
  const lines = [
    `${result.table}: source ${result.sourceRows} rows, Delta ${result.deltaRows} rows (v${result.deltaVersion ?? '-'}); ` +
      `${result.differingKeys} differing keys (${result.missingInDelta} missing in Delta, ` +
      `${result.missingInSource} missing in the source, ${result.different} different) in ` +
      `${result.differingChunks} of ${result.chunks} chunks`,
  ];
  if (result.columnsSkipped.length > 0) {
    lines.push(
      `${result.table}: not compared: ${result.columnsSkipped.map((c) => `${c.column} (${c.reason})`).join(', ')}`,
    );
  }
  for (const key of result.keys) lines.push(`${result.table}: ${key.issue} ${key.key}`);
  if (result.differingKeys > result.keys.length) {
    lines.push(`${result.table}: … and ${result.differingKeys - result.keys.length} more keys`);
  }
  if (result.repair) {
    lines.push(
      result.repair.version === null
        ? `${result.table}: nothing to repair, nothing written`
        : `${result.table}: repaired in Delta v${result.repair.version} (${result.repair.rowsReextracted} rows re-extracted, ` +
            `${result.repair.rowsDeleted} deleted)`,
    );
  }
  return lines;
}
