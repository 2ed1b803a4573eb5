// Inspections follow their permit: an issued permit walks its type's inspection sequence between issue and
// final, failures are followed by a reinspection, a few are cancelled, and open permits have the next one
// scheduled. Results are consistent with status (only completed inspections have a result and completed_at).

import type { GeneratorContext } from './context';
import { STREAMS, rowSeed } from './context';
import type { PermitCore } from './generate-permits';
import type { Rng } from './random';
import { ANCHOR_MS, DAY_MS, HOUR_MS, formatDate, formatTimestamp, officeTime, startOfDay } from './time';
import { inspectionSequence, writeInspectionNotes } from './vocab-permits';

export const REINSPECTION_FEE = '145.00';

type Row = Array<string | number | null>;

function completedRow(
  ctx: GeneratorContext,
  rng: Rng,
  permit: PermitCore,
  type: string,
  dayMs: number,
  result: string,
): Row {
  const completedMs = Math.min(officeTime(rng, dayMs), ANCHOR_MS - 1000);
  const requestedMs = Math.max(
    permit.issuedMs ?? permit.appliedMs,
    Math.min(completedMs - HOUR_MS, officeTime(rng, dayMs - rng.int(1, 3) * DAY_MS)),
  );
  // Booked a day or more ahead, but never before the permit was issued; the visit comes hours after booking.
  const doneMs = Math.min(Math.max(completedMs, requestedMs + rng.int(1, 6) * HOUR_MS), ANCHOR_MS - 1000);
  const fee = result === 'not_ready' || (result === 'fail' && rng.chance(0.3)) ? REINSPECTION_FEE : null;
  return [
    0,
    permit.id,
    type,
    'completed',
    result,
    formatTimestamp(requestedMs),
    formatDate(dayMs),
    formatTimestamp(doneMs),
    rng.pick(ctx.pools.inspectors),
    writeInspectionNotes(rng, result),
    fee,
    formatTimestamp(requestedMs),
    formatTimestamp(doneMs),
  ];
}

function cancelledRow(rng: Rng, permit: PermitCore, type: string, dayMs: number): Row {
  const requestedMs = Math.max(permit.issuedMs ?? permit.appliedMs, officeTime(rng, dayMs - 2 * DAY_MS));
  const cancelledMs = Math.min(requestedMs + rng.int(1, 30) * HOUR_MS, ANCHOR_MS - 1000);
  const why = rng.pick([
    'Cancelled by contractor.',
    'Cancelled: site not accessible.',
    'Cancelled by owner; rescheduling.',
  ]);
  const row: Row = [0, permit.id, type, 'cancelled', null, formatTimestamp(requestedMs), formatDate(dayMs)];
  row.push(
    null,
    null,
    why,
    null,
    formatTimestamp(requestedMs),
    formatTimestamp(Math.max(cancelledMs, requestedMs)),
  );
  return row;
}

function scheduledRow(ctx: GeneratorContext, rng: Rng, permit: PermitCore, type: string): Row {
  const requestedMs = Math.max(permit.issuedMs ?? permit.appliedMs, ANCHOR_MS - rng.int(1, 72) * HOUR_MS);
  const dayMs = startOfDay(ANCHOR_MS) + rng.int(1, 5) * DAY_MS;
  const inspector = rng.chance(0.5) ? rng.pick(ctx.pools.inspectors) : null;
  const row: Row = [0, permit.id, type, 'scheduled', null, formatTimestamp(requestedMs), formatDate(dayMs)];
  row.push(null, inspector, null, null, formatTimestamp(requestedMs), formatTimestamp(requestedMs));
  return row;
}

function drawResult(rng: Rng, isFinal: boolean): string {
  const r = rng.next();
  if (r < 0.1) return 'fail';
  if (r < 0.12) return 'not_ready';
  if (r < 0.16 && !isFinal) return 'partial';
  return 'pass';
}

/**
 * The inspections of one permit, in time order, with inspection_id (column 0) left for the caller to number.
 * Permits that were never issued have none.
 */
export function generateInspections(ctx: GeneratorContext, permit: PermitCore, rng: Rng): Row[] {
  if (permit.issuedMs === null) return [];
  rng.reset(rowSeed(ctx, STREAMS.inspections, permit.id));
  const sequence = inspectionSequence(permit.type, permit.workClass);
  const steps = sequence.length;
  let done: number;
  if (permit.status === 'finaled') done = steps;
  else if (permit.status === 'expired') done = rng.int(0, Math.max(0, steps - 2));
  else done = rng.int(0, steps - 1);
  const startMs = startOfDay(permit.issuedMs) + DAY_MS;
  const endMs = permit.finaledMs ?? Math.min(permit.expiresMs ?? ANCHOR_MS, ANCHOR_MS - DAY_MS);
  const rows: Row[] = [];
  for (let i = 0; i < done; i++) {
    const type = sequence[i] ?? 'final';
    const isFinal = i === steps - 1;
    // Spread the steps evenly over the build; the final lands on the day the permit was finaled.
    const dayMs =
      isFinal && permit.finaledMs !== null
        ? startOfDay(permit.finaledMs)
        : startOfDay(startMs + ((endMs - startMs) * (i + rng.float(0.3, 0.9))) / Math.max(done, 1));
    if (rng.chance(0.04)) rows.push(cancelledRow(rng, permit, type, dayMs));
    const result = drawResult(rng, isFinal);
    if (result !== 'pass') {
      // The failure comes first; the reinspection passes on the step's day.
      const failDay = Math.max(startOfDay(permit.issuedMs), dayMs - rng.int(2, 10) * DAY_MS);
      rows.push(completedRow(ctx, rng, permit, type, failDay, result));
    }
    rows.push(completedRow(ctx, rng, permit, type, dayMs, 'pass'));
  }
  if (
    permit.status === 'issued' &&
    done < steps &&
    ANCHOR_MS - permit.updatedMs < 200 * DAY_MS &&
    rng.chance(0.35)
  ) {
    rows.push(scheduledRow(ctx, rng, permit, sequence[done] ?? 'final'));
  }
  return rows;
}
