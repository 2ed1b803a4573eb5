// An hour of 311 activity: duplicates purged, open requests moving through the queue, new requests arriving.

import {
  type ChangeContext,
  type JsonRow,
  type TableChangeCounts,
  advanceCandidates,
  dayFromNow,
  deleteCandidates,
  insertNewRows,
  volumeOf,
  withinPastHour,
} from './change-context';
import { drawPlace, drawPriority, drawReporter, formatRequestNumber } from './generate-requests';
import type { Rng } from './random';
import { formatTimestamp } from './time';
import {
  CHANNELS,
  REQUEST_CATEGORIES,
  type RequestCategory,
  describeRequest,
  writeResolution,
} from './vocab-requests';

const CATEGORY_BY_NAME = new Map<string, RequestCategory>(REQUEST_CATEGORIES.values.map((c) => [c.name, c]));

interface OpenRequest {
  request_id: string;
  status: string;
  category: string;
  assigned_department: string | null;
}

/** The next state of an open request; closing stamps closed_at and a resolution. */
function advanceRequest(ctx: ChangeContext, row: OpenRequest, now: string): JsonRow {
  const department =
    row.assigned_department ?? CATEGORY_BY_NAME.get(row.category)?.department ?? 'Customer Service';
  const r = ctx.rng.next();
  let status: string;
  if (row.status === 'new') status = 'assigned';
  else if (row.status === 'assigned') status = r < 0.7 ? 'in_progress' : 'closed';
  else if (row.status === 'in_progress') status = r < 0.85 ? 'closed' : 'on_hold';
  else status = 'in_progress';
  const closed = status === 'closed';
  return {
    request_id: Number(row.request_id),
    status,
    assigned_department: department,
    closed_at: closed ? now : null,
    resolution: closed ? writeResolution(ctx.rng) : null,
    updated_at: now,
  };
}

function newRequest(ctx: ChangeContext, id: number, parcelRng: Rng, now: string): JsonRow {
  const { rng, gen } = ctx;
  const category = rng.weighted(REQUEST_CATEGORIES);
  const channel = rng.weighted(CHANNELS);
  const openedMs = withinPastHour(ctx);
  const place = drawPlace(gen, rng, parcelRng, category, channel !== 'phone' || rng.chance(0.85));
  const [name, phone, email] = drawReporter(gen, rng, channel);
  // Staff in the field file requests already assigned to their own department.
  const status = channel === 'field' ? 'assigned' : 'new';
  return {
    request_id: id,
    request_number: formatRequestNumber(id, openedMs),
    parcel_id: place.parcelId,
    category: category.name,
    channel,
    priority: drawPriority(rng, category),
    status,
    description: describeRequest(rng, category, place.street, place.cross),
    address: place.address,
    latitude: place.latitude === null ? null : place.latitude.toFixed(6),
    longitude: place.longitude === null ? null : place.longitude.toFixed(6),
    reporter_name: name,
    reporter_phone: phone,
    reporter_email: email,
    assigned_department: status === 'new' ? null : category.department,
    opened_at: formatTimestamp(openedMs),
    due_date: dayFromNow(ctx, category.slaDays),
    closed_at: null,
    resolution: null,
    created_at: formatTimestamp(openedMs),
    updated_at: now,
  };
}

export async function changeServiceRequests(ctx: ChangeContext): Promise<TableChangeCounts> {
  const now = ctx.now.toISOString();
  // Agents merge duplicate reports of the same problem; the newer copy is removed.
  const deleted = await deleteCandidates(
    ctx,
    'service_requests',
    "status IN ('new', 'assigned')",
    volumeOf(ctx, 'service_requests', 0.0001, 1),
  );
  const { updated } = await advanceCandidates<OpenRequest>(
    ctx,
    'service_requests',
    'request_id, status, category, assigned_department',
    "status IN ('new', 'assigned', 'in_progress', 'on_hold')",
    volumeOf(ctx, 'service_requests', 0.001, 2),
    (row) => advanceRequest(ctx, row, now),
  );
  const inserted = await insertNewRows(
    ctx,
    'service_requests',
    volumeOf(ctx, 'service_requests', 0.001, 2),
    (id, parcelRng) => newRequest(ctx, id, parcelRng, now),
  );
  return { inserted, updated, deleted };
}
