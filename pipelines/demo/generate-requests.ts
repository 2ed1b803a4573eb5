// 311 service requests. Opening times rise with the id; each request draws how long its resolution takes, and
// it is closed only if that moment is before the anchor, so open requests are naturally the recent ones.

import { type GeneratorContext, STREAMS, rowSeed } from './context';
import { generateParcel } from './generate-parcels';
import type { Rng } from './random';
import {
  ANCHOR_MS,
  DAY_MS,
  HOUR_MS,
  SPAN_DAYS,
  START_MS,
  formatDate,
  formatTimestamp,
  officeTime,
  wakingTime,
  yearOf,
} from './time';
import {
  CHANNELS,
  REQUEST_CATEGORIES,
  type RequestCategory,
  describeRequest,
  writeResolution,
} from './vocab-requests';

type Row = Array<string | number | null>;

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** Request number SR-<yy>-<id>, unique because the id is. */
export function formatRequestNumber(id: number, openedMs: number): string {
  return `SR-${String(yearOf(openedMs) % 100).padStart(2, '0')}-${String(id).padStart(7, '0')}`;
}

/** Usually the category's priority, sometimes one step either way. */
export function drawPriority(rng: Rng, category: RequestCategory): string {
  const base = PRIORITIES.indexOf(category.priority);
  const shift = rng.chance(0.2) ? (rng.chance(0.5) ? 1 : -1) : 0;
  return PRIORITIES[Math.min(3, Math.max(0, base + shift))] ?? 'normal';
}

export interface RequestPlace {
  parcelId: number | null;
  address: string;
  street: string;
  cross: string;
  latitude: number | null;
  longitude: number | null;
}

/** Where the request is: a parcel's address, or a block or intersection for street problems. */
export function drawPlace(
  ctx: GeneratorContext,
  rng: Rng,
  parcelRng: Rng,
  category: RequestCategory,
  geocoded: boolean,
): RequestPlace {
  const cross = rng.pick(ctx.pools.streets);
  if (rng.chance(category.parcelShare)) {
    const parcel = generateParcel(ctx, rng.int(1, ctx.parcelCount), parcelRng);
    return {
      parcelId: parcel.id,
      address: `${parcel.address}, ${parcel.city}, CA ${parcel.zip}`,
      street: parcel.street,
      cross,
      latitude: geocoded ? parcel.latitude : null,
      longitude: geocoded ? parcel.longitude : null,
    };
  }
  const street = rng.pick(ctx.pools.streets);
  const center = rng.pick(ctx.cityCenters);
  const address = rng.chance(0.5) ? `${street} & ${cross}` : `${rng.int(1, 199) * 100} block of ${street}`;
  return {
    parcelId: null,
    address,
    street,
    cross,
    latitude: geocoded ? center[0] + rng.float(-0.05, 0.05) : null,
    longitude: geocoded ? center[1] + rng.float(-0.06, 0.06) : null,
  };
}

/** Who reported it: anonymous callers leave nothing; app and web users leave an email. */
export function drawReporter(
  ctx: GeneratorContext,
  rng: Rng,
  channel: string,
): [string | null, string | null, string | null] {
  if (channel === 'field' || rng.chance(0.28)) return [null, null, null];
  const first = rng.pick(ctx.pools.firstNames);
  const last = rng.pick(ctx.pools.lastNames);
  const phone =
    channel === 'phone' || rng.chance(0.4)
      ? `${rng.pick(ctx.pools.phonePrefixes)}-${String(rng.int(0, 9999)).padStart(4, '0')}`
      : null;
  const online = channel === 'web' || channel === 'mobile_app' || channel === 'email';
  const email = online
    ? `${first}.${last}${rng.int(1, 99)}@${rng.pick(ctx.pools.emailDomains)}`
        .toLowerCase()
        .replace(/[^a-z0-9.@]/g, '')
    : null;
  return [`${first} ${last}`, phone, email];
}

export function generateRequestRow(
  ctx: GeneratorContext,
  id: number,
  count: number,
  rng: Rng,
  parcelRng: Rng,
): Row {
  rng.reset(rowSeed(ctx, STREAMS.request, id));
  const category = rng.weighted(REQUEST_CATEGORIES);
  const channel = rng.weighted(CHANNELS);
  const dayMs = START_MS + Math.floor(Math.pow((id - 0.5) / count, 0.85) * SPAN_DAYS) * DAY_MS;
  const openedMs = Math.min(
    channel === 'phone' || channel === 'walk_in' || channel === 'field'
      ? officeTime(rng, dayMs)
      : wakingTime(rng, dayMs),
    ANCHOR_MS - 60_000,
  );
  const place = drawPlace(ctx, rng, parcelRng, category, channel !== 'phone' || rng.chance(0.85));
  const [name, phone, email] = drawReporter(ctx, rng, channel);
  const description = describeRequest(rng, category, place.street, place.cross);
  // Resolution time is heavy-tailed: most close near the typical time, one in ten waits in a backlog, and a few
  // of the last year's are on hold indefinitely (awaiting another agency or a budget).
  const backlog = rng.chance(0.1) ? rng.float(5, 25) : 1;
  const hoursToClose =
    category.typicalHours * Math.pow(rng.float(0.15, 1.6), 2.2) * backlog + rng.float(0.5, 4);
  const stuck = rng.chance(0.02) && ANCHOR_MS - openedMs < 365 * DAY_MS;
  const closeMs = openedMs + hoursToClose * HOUR_MS;
  const closed = !stuck && closeMs < ANCHOR_MS;
  let status: string;
  let updatedMs: number;
  if (closed) {
    status = rng.chance(0.04) ? 'cancelled' : 'closed';
    updatedMs = Math.round(closeMs);
  } else {
    const progress = (ANCHOR_MS - openedMs) / (closeMs - openedMs);
    status = stuck ? 'on_hold' : progress < 0.1 ? 'new' : progress < 0.4 ? 'assigned' : 'in_progress';
    updatedMs =
      status === 'new'
        ? openedMs
        : Math.min(ANCHOR_MS - 1000, openedMs + (ANCHOR_MS - openedMs) * rng.float(0.2, 0.9));
  }
  const closedAt = closed ? formatTimestamp(Math.round(closeMs)) : null;
  const resolution = !closed
    ? null
    : status === 'cancelled'
      ? 'Duplicate request; merged with an earlier report.'
      : writeResolution(rng);
  return [
    id,
    formatRequestNumber(id, openedMs),
    place.parcelId,
    category.name,
    channel,
    drawPriority(rng, category),
    status,
    description,
    place.address,
    place.latitude === null ? null : place.latitude.toFixed(6),
    place.longitude === null ? null : place.longitude.toFixed(6),
    name,
    phone,
    email,
    status === 'new' ? null : category.department,
    formatTimestamp(openedMs),
    formatDate(openedMs + category.slaDays * DAY_MS),
    closedAt,
    resolution,
    formatTimestamp(openedMs),
    formatTimestamp(Math.round(updatedMs)),
  ];
}
