// An hour at the permit counter and in the field: applications arrive, permits move through review and issue,
// inspections are scheduled, completed with results or cancelled, and permits whose final passes are finaled.

import {
  type ChangeContext,
  type JsonRow,
  type TableChangeCounts,
  advanceCandidates,
  dayFromNow,
  deleteCandidates,
  insertJsonRows,
  insertNewRows,
  reserveIds,
  selectCandidates,
  volumeOf,
  withinPastHour,
} from './change-context';
import { generateParcel } from './generate-parcels';
import { REINSPECTION_FEE } from './generate-inspections';
import { computeFee, drawValuation, drawWorkClass, formatPermitNumber } from './generate-permits';
import { Rng } from './random';
import { formatTimestamp } from './time';
import {
  PERMIT_TYPES,
  type PermitType,
  describePermit,
  inspectionSequence,
  licenseNumberOf,
  writeInspectionNotes,
} from './vocab-permits';

interface OpenPermit {
  permit_id: string;
  status: string;
  fee_total: string;
  fees_paid: string;
  issued_date: string | null;
  expires_date: string | null;
}

/** The permit's next step; finaled_date is set only when the permit finals in this step. */
function advancePermit(ctx: ChangeContext, p: OpenPermit, now: string): JsonRow {
  const r = ctx.rng.next();
  const fee = Number(p.fee_total);
  let status = p.status;
  let feesPaid = Number(p.fees_paid);
  let issued = p.issued_date;
  let expires = p.expires_date;
  let finaled: string | null = null;
  if (p.status === 'applied') {
    status = 'in_review';
    feesPaid = Math.max(feesPaid, Math.round(fee * 40) / 100);
  } else if (p.status === 'in_review') {
    status = r < 0.92 ? 'approved' : 'withdrawn';
  } else if (p.status === 'approved') {
    status = 'issued';
    feesPaid = fee;
    issued = dayFromNow(ctx, 0);
    expires = dayFromNow(ctx, 365);
  } else if (r < 0.45) {
    status = 'finaled';
    finaled = dayFromNow(ctx, 0);
  } else {
    // Work is taking longer than a year: the owner buys a 180-day extension.
    expires = dayFromNow(ctx, 180);
  }
  return {
    permit_id: Number(p.permit_id),
    status,
    fees_paid: feesPaid.toFixed(2),
    issued_date: issued,
    finaled_date: finaled,
    expires_date: expires,
    updated_at: now,
  };
}

function newPermit(ctx: ChangeContext, id: number, parcelRng: Rng, now: string): JsonRow {
  const { rng, gen } = ctx;
  const parcel = generateParcel(gen, rng.int(1, gen.parcelCount), parcelRng);
  const type = rng.weighted(PERMIT_TYPES);
  const workClass = drawWorkClass(rng, type);
  const valuation = drawValuation(rng, type, workClass);
  const fee = computeFee(valuation);
  const contractor = rng.chance(0.18) ? null : rng.pick(gen.contractorsByType[type]);
  const appliedMs = withinPastHour(ctx);
  return {
    permit_id: id,
    permit_number: formatPermitNumber(id, appliedMs),
    parcel_id: parcel.id,
    permit_type: type,
    work_class: workClass,
    status: 'applied',
    description: describePermit(rng, type),
    applicant_name: contractor ?? parcel.ownerName,
    contractor_name: contractor,
    contractor_license: contractor === null ? null : licenseNumberOf(contractor),
    valuation: valuation.toFixed(2),
    fee_total: fee.toFixed(2),
    fees_paid: '0.00',
    square_feet:
      type === 'building' && workClass !== 'alteration' && workClass !== 'repair' ? rng.int(200, 4800) : null,
    applied_date: dayFromNow(ctx, 0),
    issued_date: null,
    finaled_date: null,
    expires_date: null,
    created_at: formatTimestamp(appliedMs),
    updated_at: now,
  };
}

export async function changeBuildingPermits(
  ctx: ChangeContext,
): Promise<{ counts: TableChangeCounts; finaledIds: number[] }> {
  const now = ctx.now.toISOString();
  const { rows, updated } = await advanceCandidates<OpenPermit>(
    ctx,
    'building_permits',
    'permit_id, status, fee_total, fees_paid, issued_date::text, expires_date::text',
    "status IN ('applied', 'in_review', 'approved', 'issued')",
    volumeOf(ctx, 'building_permits', 0.001, 2),
    (p) => advancePermit(ctx, p, now),
  );
  const finaledIds = rows.filter((row) => row.finaled_date !== null).map((row) => Number(row.permit_id));
  const inserted = await insertNewRows(
    ctx,
    'building_permits',
    volumeOf(ctx, 'building_permits', 0.0008, 1),
    (id, parcelRng) => newPermit(ctx, id, parcelRng, now),
  );
  return { counts: { inserted, updated, deleted: 0 }, finaledIds };
}

interface ScheduledInspection {
  inspection_id: string;
  inspector_name: string | null;
}

interface IssuedPermit {
  permit_id: string;
  permit_type: PermitType;
  work_class: string;
  passed: string;
}

function completeInspection(ctx: ChangeContext, row: ScheduledInspection, now: string): JsonRow {
  const r = ctx.rng.next();
  const result = r < 0.8 ? 'pass' : r < 0.92 ? 'fail' : r < 0.97 ? 'partial' : 'not_ready';
  return {
    inspection_id: Number(row.inspection_id),
    status: 'completed',
    result,
    completed_at: now,
    inspector_name: row.inspector_name ?? ctx.rng.pick(ctx.gen.pools.inspectors),
    notes: writeInspectionNotes(ctx.rng, result),
    reinspection_fee:
      result === 'not_ready' || (result === 'fail' && ctx.rng.chance(0.3)) ? REINSPECTION_FEE : null,
    updated_at: now,
  };
}

function inspectionRow(
  ctx: ChangeContext,
  id: number,
  permitId: number,
  type: string,
  completed: boolean,
  now: string,
): JsonRow {
  const requestedMs = withinPastHour(ctx);
  return {
    inspection_id: id,
    permit_id: permitId,
    inspection_type: type,
    status: completed ? 'completed' : 'scheduled',
    result: completed ? 'pass' : null,
    requested_at: formatTimestamp(requestedMs),
    scheduled_date: dayFromNow(ctx, completed ? 0 : ctx.rng.int(1, 3)),
    completed_at: completed ? now : null,
    inspector_name: completed || ctx.rng.chance(0.5) ? ctx.rng.pick(ctx.gen.pools.inspectors) : null,
    notes: completed ? 'All items complete. Permit finaled.' : null,
    reinspection_fee: null,
    created_at: formatTimestamp(requestedMs),
    updated_at: now,
  };
}

/** Inspections: cancellations first (leaf rows, so deletes keep every FK), then results, then new bookings. */
export async function changeInspections(
  ctx: ChangeContext,
  finaledPermitIds: number[],
): Promise<TableChangeCounts> {
  const now = ctx.now.toISOString();
  const deleted = await deleteCandidates(
    ctx,
    'inspections',
    "status = 'scheduled'",
    volumeOf(ctx, 'inspections', 0.0001, 1),
  );
  const { updated } = await advanceCandidates<ScheduledInspection>(
    ctx,
    'inspections',
    'inspection_id, inspector_name',
    "status = 'scheduled'",
    volumeOf(ctx, 'inspections', 0.001, 2),
    (row) => completeInspection(ctx, row, now),
  );
  // Contractors book the next step of their permit's sequence.
  const permits = await selectCandidates<IssuedPermit>(
    ctx,
    'building_permits',
    `permit_id, permit_type, work_class, (SELECT count(DISTINCT inspection_type) FROM inspections i
       WHERE i.permit_id = building_permits.permit_id AND i.result = 'pass')::text AS passed`,
    "status = 'issued'",
    volumeOf(ctx, 'inspections', 0.001, 2),
  );
  const ids = await reserveIds(ctx, 'inspections', permits.length + finaledPermitIds.length);
  const rows: JsonRow[] = [];
  permits.forEach((p, i) => {
    const sequence = inspectionSequence(p.permit_type, p.work_class);
    const type = sequence[Math.min(Number(p.passed), sequence.length - 1)] ?? 'final';
    rows.push(inspectionRow(ctx, ids[i] ?? 0, Number(p.permit_id), type, false, now));
  });
  finaledPermitIds.forEach((permitId, i) => {
    rows.push(inspectionRow(ctx, ids[permits.length + i] ?? 0, permitId, 'final', true, now));
  });
  const inserted = await insertJsonRows(ctx, 'inspections', rows);
  return { inserted, updated, deleted };
}
