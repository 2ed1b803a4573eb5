// Building permits. Application dates rise with the id (permit numbers are issued in order) and volume grows
// over the decade; status follows from age, so old permits are finaled or expired and recent ones in review.

import { type GeneratorContext, STREAMS, rowSeed } from './context';
import { generateParcel } from './generate-parcels';
import type { Rng } from './random';
import {
  ANCHOR_MS,
  DAY_MS,
  SPAN_DAYS,
  START_MS,
  formatDate,
  formatTimestamp,
  officeTime,
  startOfDay,
  yearOf,
} from './time';
import {
  OVER_THE_COUNTER,
  PERMIT_TYPES,
  type PermitType,
  VALUATION_RANGE,
  WORK_CLASSES,
  describePermit,
  licenseNumberOf,
} from './vocab-permits';

export type PermitStatus =
  'applied' | 'in_review' | 'approved' | 'issued' | 'finaled' | 'expired' | 'withdrawn';

/** The facts of a permit that its inspections depend on; cheap to regenerate (no text). */
export interface PermitCore {
  id: number;
  parcelId: number;
  type: PermitType;
  workClass: string;
  status: PermitStatus;
  appliedMs: number;
  issuedMs: number | null;
  finaledMs: number | null;
  expiresMs: number | null;
  /** The last time anything happened to the permit. */
  updatedMs: number;
  /** Owner of the parcel, the applicant when the owner builds without a contractor. */
  parcelOwner: string;
}

const LAST_DAY_MS = startOfDay(ANCHOR_MS) - DAY_MS;

function statusForAge(rng: Rng, ageDays: number): PermitStatus {
  const r = rng.next();
  if (ageDays < 30)
    return r < 0.35
      ? 'applied'
      : r < 0.75
        ? 'in_review'
        : r < 0.85
          ? 'approved'
          : r < 0.97
            ? 'issued'
            : 'withdrawn';
  if (ageDays < 180)
    return r < 0.15
      ? 'in_review'
      : r < 0.25
        ? 'approved'
        : r < 0.8
          ? 'issued'
          : r < 0.95
            ? 'finaled'
            : 'withdrawn';
  if (ageDays < 730) return r < 0.25 ? 'issued' : r < 0.85 ? 'finaled' : r < 0.95 ? 'expired' : 'withdrawn';
  return r < 0.82 ? 'finaled' : r < 0.95 ? 'expired' : 'withdrawn';
}

export function drawWorkClass(rng: Rng, type: PermitType): string {
  if (type === 'building') return rng.weighted(WORK_CLASSES);
  if (type === 'demolition') return 'demolition';
  if (type === 'roofing') return 'repair';
  return rng.chance(0.7) ? 'alteration' : 'new';
}

/** Declared valuation: new buildings and additions run to the millions, trade permits to thousands. */
export function drawValuation(rng: Rng, type: PermitType, workClass: string): number {
  const [low, high] = VALUATION_RANGE[type];
  const bigJob = type === 'building' && (workClass === 'new' || workClass === 'addition');
  return Math.round(bigJob ? rng.skewed(60_000, 1_400_000, 2) : rng.skewed(low, high, 1.8));
}

/** The day a permit was applied for: monotone in the id, denser towards the present (volume grows ~40%). */
export function appliedDayFor(ctx: GeneratorContext, id: number): number {
  const u = (id - 0.5) / ctx.permitCount;
  return START_MS + Math.floor(Math.pow(u, 0.85) * SPAN_DAYS) * DAY_MS;
}

/** The permit without its text. parcelRng is a second stream: the parcel is re-derived to keep dates in order. */
export function generatePermitCore(ctx: GeneratorContext, id: number, rng: Rng, parcelRng: Rng): PermitCore {
  rng.reset(rowSeed(ctx, STREAMS.permit, id));
  const parcelId = rng.int(1, ctx.parcelCount);
  const parcel = generateParcel(ctx, parcelId, parcelRng);
  const type = rng.weighted(PERMIT_TYPES);
  const workClass = drawWorkClass(rng, type);
  let appliedMs = officeTime(rng, appliedDayFor(ctx, id));
  // A permit cannot predate the parcel record (parcels split off during the history).
  if (appliedMs < parcel.createdMs) appliedMs = parcel.createdMs + rng.int(1, 30) * DAY_MS;
  appliedMs = Math.min(appliedMs, ANCHOR_MS - 60_000);
  const ageDays = (ANCHOR_MS - appliedMs) / DAY_MS;
  const status = statusForAge(rng, ageDays);
  let issuedMs: number | null = null;
  let finaledMs: number | null = null;
  let expiresMs: number | null = null;
  let updatedMs = appliedMs;
  if (status === 'issued' || status === 'finaled' || status === 'expired') {
    const reviewDays = OVER_THE_COUNTER.has(type) ? 0 : Math.round(rng.skewed(3, 120, 2));
    issuedMs = Math.min(officeTime(rng, appliedMs + reviewDays * DAY_MS), ANCHOR_MS - 30_000);
    issuedMs = Math.max(issuedMs, appliedMs);
    updatedMs = issuedMs;
    expiresMs = startOfDay(issuedMs) + 365 * DAY_MS;
    if (status === 'finaled') {
      const buildDays = Math.round(rng.skewed(7, 540, 2));
      finaledMs = Math.max(
        issuedMs,
        Math.min(officeTime(rng, issuedMs + buildDays * DAY_MS), ANCHOR_MS - 10_000),
      );
      updatedMs = finaledMs;
    } else if (status === 'expired') {
      expiresMs = Math.min(expiresMs, LAST_DAY_MS);
      updatedMs = Math.max(issuedMs, expiresMs + 3 * 3_600_000);
    } else if (expiresMs <= ANCHOR_MS) {
      // Still open past a year: the owner was granted an extension.
      expiresMs = startOfDay(ANCHOR_MS) + rng.int(14, 180) * DAY_MS;
      updatedMs = Math.max(issuedMs, ANCHOR_MS - rng.int(1, 60) * DAY_MS);
    }
  } else if (status !== 'applied') {
    updatedMs = Math.min(ANCHOR_MS - 5_000, appliedMs + Math.round(rng.skewed(1, 40, 2)) * DAY_MS);
  }
  const parcelOwner = parcel.ownerName;
  return {
    id,
    parcelId,
    type,
    workClass,
    status,
    appliedMs,
    issuedMs,
    finaledMs,
    expiresMs,
    updatedMs,
    parcelOwner,
  };
}

/** Permit number BP-<year applied>-<id>, unique because the id is. */
export function formatPermitNumber(id: number, appliedMs: number): string {
  return `BP-${yearOf(appliedMs)}-${String(id).padStart(6, '0')}`;
}

/** Plan-review fee schedule: a base fee plus a share of the valuation. */
export function computeFee(valuation: number): number {
  return Math.round((185 + valuation * 0.0125 + Math.min(valuation, 500_000) * 0.004) * 100) / 100;
}

export function generatePermitRow(
  ctx: GeneratorContext,
  id: number,
  rng: Rng,
  parcelRng: Rng,
): Array<string | number | null> {
  const core = generatePermitCore(ctx, id, rng, parcelRng);
  rng.reset(rowSeed(ctx, STREAMS.permitText, id));
  const bigJob = core.type === 'building' && (core.workClass === 'new' || core.workClass === 'addition');
  const valuation = drawValuation(rng, core.type, core.workClass);
  const fee = computeFee(valuation);
  // Plan-check deposit (40%) at submittal, the balance at issue; some applicants have not paid yet.
  const deposit = Math.round(fee * 40) / 100;
  const paid = core.issuedMs !== null ? fee : core.status === 'applied' && rng.chance(0.6) ? 0 : deposit;
  const ownerBuilder = rng.chance(0.18);
  const contractor = ownerBuilder ? null : rng.pick(ctx.contractorsByType[core.type]);
  const license = contractor === null ? null : licenseNumberOf(contractor);
  const squareFeet = bigJob ? Math.round(rng.skewed(200, 4800, 1.5)) : null;
  return [
    id,
    formatPermitNumber(id, core.appliedMs),
    core.parcelId,
    core.type,
    core.workClass,
    core.status,
    describePermit(rng, core.type),
    ownerBuilder ? core.parcelOwner : (contractor ?? core.parcelOwner),
    contractor,
    license,
    valuation.toFixed(2),
    fee.toFixed(2),
    paid.toFixed(2),
    squareFeet,
    formatDate(core.appliedMs),
    core.issuedMs === null ? null : formatDate(core.issuedMs),
    core.finaledMs === null ? null : formatDate(core.finaledMs),
    core.expiresMs === null ? null : formatDate(core.expiresMs),
    formatTimestamp(core.appliedMs),
    formatTimestamp(core.updatedMs),
  ];
}
