// What a data-quality check reports (stored with the run in control_runs.results.quality, shown on the run page,
// and emitted as OpenLineage dataQualityAssertions), and the error that stops a table when an `error` check fails.

import { PipelineError } from '../definition/errors';
import type { CheckDefinition } from '../definition/definition-schema';

export type CheckStage = 'incoming' | 'snapshot';

export interface CheckResult {
  table: string;
  /** A label naming the check and its arguments: not_null(apn), unique(parcel_id), sql:open_permits_have_parcel. */
  check: string;
  kind: string;
  severity: 'error' | 'warn';
  stage: CheckStage;
  passed: boolean;
  /** The figure the check measured: failing rows, duplicated keys, percent change, the SQL's boolean. */
  observed: string | number | boolean | null;
  message: string;
  /** The column a one-column check is about (OpenLineage assertion's `column`). */
  column?: string;
}

/** The stage a check runs at: row_count_change is about the table as it will be; the others say. */
export function checkStage(check: CheckDefinition): CheckStage {
  return check.kind === 'row_count_change' ? 'snapshot' : check.on;
}

/** The results whose failure stops the step (severity error). */
export function blockingFailures(results: CheckResult[]): CheckResult[] {
  return results.filter((result) => !result.passed && result.severity === 'error');
}

/** QUALITY_CHECK_FAILED naming each failed error check, with every result of the step as `results.quality`. */
export class QualityCheckError extends PipelineError {
  readonly results: { quality: CheckResult[] };

  constructor(table: string, what: string, results: CheckResult[]) {
    const failed = blockingFailures(results)
      .map((result) => `${result.check}: ${result.message}`)
      .join('; ');
    super('QUALITY_CHECK_FAILED', `${table}: ${what}: ${failed}`);
    this.results = { quality: results };
  }
}

export function isQualityCheckError(error: unknown): error is QualityCheckError {
  return error instanceof QualityCheckError;
}
