// Parcels: the assessor's roll. Generated per id from the row's own random stream, so permits and service
// requests can re-derive the parcel they point at (address, owner, location) without holding the table.

import { type GeneratorContext, STREAMS, rowSeed } from './context';
import { type Rng, weightedTable } from './random';
import { ANCHOR_MS, DAY_MS, START_MS, formatDate, formatTimestamp, officeTime } from './time';

export interface Parcel {
  id: number;
  apn: string;
  address: string;
  street: string;
  unit: string | null;
  city: string;
  zip: string;
  ownerName: string;
  mailingAddress: string | null;
  landUse: string;
  zoning: string;
  lotAcres: number;
  yearBuilt: number | null;
  buildingSqft: number | null;
  landValue: number;
  improvementValue: number;
  lastSaleMs: number | null;
  lastSalePrice: number | null;
  latitude: number;
  longitude: number;
  floodZone: string | null;
  createdMs: number;
  updatedMs: number;
}

const LAND_USES = weightedTable([
  ['residential_single', 62],
  ['residential_multi', 10],
  ['commercial', 9],
  ['industrial', 4],
  ['agricultural', 6],
  ['vacant', 6],
  ['institutional', 3],
] as const);

const ZONING: Record<string, readonly string[]> = {
  residential_single: ['R-1', 'R-1', 'R-1-6', 'R-1-10', 'RE-1', 'PD'],
  residential_multi: ['R-2', 'R-3', 'R-4', 'PD'],
  commercial: ['C-1', 'C-2', 'C-3', 'MU'],
  industrial: ['M-1', 'M-2', 'BP'],
  agricultural: ['A-1', 'A-5', 'A-20', 'AG-80'],
  vacant: ['R-1', 'A-1', 'C-2', 'OS', 'M-1'],
  institutional: ['PF', 'OS', 'R-1'],
};

/** Acres: [min, max, skew power]; skew keeps most lots small. */
const LOT_ACRES: Record<string, readonly [number, number, number]> = {
  residential_single: [0.09, 1.5, 3],
  residential_multi: [0.12, 3, 3],
  commercial: [0.2, 12, 3],
  industrial: [0.5, 40, 3],
  agricultural: [5, 640, 2.5],
  vacant: [0.1, 80, 3],
  institutional: [0.5, 60, 3],
};

const FLOOD_ZONES = ['AE', 'AE', 'A', 'AO', 'X500'] as const;
const UNIT_PREFIX: Record<string, string> = { residential_multi: 'Apt', commercial: 'Ste' };

/** APN book-page-parcel from the id: unique by construction, sequential like an assessor's map books. */
export function formatApn(id: number): string {
  const n = id - 1;
  const parcel = (n % 50) + 1;
  const page = (Math.floor(n / 50) % 900) + 100;
  const book = Math.floor(n / 45_000) + 100;
  return `${book}-${page}-${String(parcel).padStart(3, '0')}`;
}

function ownerFor(ctx: GeneratorContext, rng: Rng, landUse: string): string {
  const { lastNames, firstNames, businesses } = ctx.pools;
  if (landUse === 'commercial' || landUse === 'industrial' || rng.chance(0.04)) return rng.pick(businesses);
  if (landUse === 'institutional')
    return rng.pick(['COUNTY OF SACRAMENTO', 'UNIFIED SCHOOL DISTRICT', 'STATE OF CALIFORNIA']);
  const last = rng.pick(lastNames).toUpperCase();
  const first = rng.pick(firstNames).toUpperCase();
  const form = rng.next();
  if (form < 0.15) return `${last} FAMILY TRUST`;
  if (form < 0.45) return `${last}, ${first} & ${rng.pick(firstNames).toUpperCase()}`;
  return `${last}, ${first}`;
}

export function generateParcel(ctx: GeneratorContext, id: number, rng: Rng): Parcel {
  rng.reset(rowSeed(ctx, STREAMS.parcel, id));
  const { streets, cities, zipCodes } = ctx.pools;
  // Neighbouring map pages share a city, as real assessor books follow geography.
  const cityIndex = Math.floor((id - 1) / 2250) % cities.length;
  const center = ctx.cityCenters[cityIndex] ?? [38.5, -121.5];
  const street = rng.pick(streets);
  const address = `${rng.int(100, 19999)} ${street}`;
  const landUse = rng.weighted(LAND_USES);
  const unitPrefix = UNIT_PREFIX[landUse];
  const unit =
    unitPrefix && rng.chance(0.5) ? `${unitPrefix} ${rng.int(1, 40)}${rng.pick(['', 'A', 'B'])}` : null;
  const zoning = rng.pick(ZONING[landUse] ?? ['R-1']);
  const [minAcres, maxAcres, power] = LOT_ACRES[landUse] ?? [0.1, 1, 2];
  const lotAcres = rng.skewed(minAcres, maxAcres, power);
  const vacant = landUse === 'vacant';
  const yearBuilt = vacant ? null : Math.round(rng.skewed(2025, 1895, 1.6));
  const buildingSqft = vacant
    ? null
    : Math.round(
        landUse === 'residential_single' ? rng.normal(1850, 600, 520, 6800) : rng.skewed(1200, 180_000, 3),
      );
  const landValue = Math.round(lotAcres * rng.float(60_000, 900_000) + 15_000);
  const improvementValue = vacant ? 0 : Math.round((buildingSqft ?? 0) * rng.float(90, 320));
  const sold = rng.chance(0.8);
  const lastSaleMs = sold ? ANCHOR_MS - Math.floor(rng.skewed(30, 365 * 40, 1.5)) * DAY_MS : null;
  const lastSalePrice = sold
    ? Math.round(((landValue + improvementValue) * rng.float(0.7, 1.6)) / 500) * 500
    : null;
  // Most parcels came over in the system migration at the start of the history; the rest are later splits.
  const createdMs = rng.chance(0.85)
    ? officeTime(rng, START_MS + rng.int(0, 20) * DAY_MS)
    : officeTime(rng, START_MS + rng.int(21, 3600) * DAY_MS);
  // Assessment updates land on the roll date (July 1) of some year after creation.
  const updatedMs = Math.min(
    ANCHOR_MS - 1000,
    Math.max(createdMs, Date.UTC(rng.int(2017, 2026), 6, 1) + rng.int(0, 86_399) * 1000),
  );
  const mailing = rng.chance(0.22)
    ? `PO Box ${rng.int(100, 99999)}, ${rng.pick(cities)}, CA ${rng.pick(zipCodes)}`
    : null;
  return {
    id,
    apn: formatApn(id),
    address,
    street,
    unit,
    city: cities[cityIndex] ?? 'Unincorporated',
    zip: zipCodes[(cityIndex * 3 + rng.int(0, 2)) % zipCodes.length] ?? '95000',
    ownerName: ownerFor(ctx, rng, landUse),
    mailingAddress: mailing,
    landUse,
    zoning,
    lotAcres,
    yearBuilt,
    buildingSqft,
    landValue,
    improvementValue,
    lastSaleMs,
    lastSalePrice,
    latitude: center[0] + rng.float(-0.04, 0.04),
    longitude: center[1] + rng.float(-0.05, 0.05),
    floodZone: rng.chance(0.12) ? rng.pick(FLOOD_ZONES) : null,
    createdMs,
    updatedMs,
  };
}

/** The parcel as a row in COLUMNS.parcels order. */
export function parcelRow(p: Parcel): Array<string | number | null> {
  return [
    p.id,
    p.apn,
    p.address,
    p.unit,
    p.city,
    p.zip,
    p.ownerName,
    p.mailingAddress,
    p.landUse,
    p.zoning,
    p.lotAcres.toFixed(4),
    p.yearBuilt,
    p.buildingSqft,
    p.landValue.toFixed(2),
    p.improvementValue.toFixed(2),
    p.lastSaleMs === null ? null : formatDate(p.lastSaleMs),
    p.lastSalePrice === null ? null : p.lastSalePrice.toFixed(2),
    p.latitude.toFixed(6),
    p.longitude.toFixed(6),
    p.floodZone,
    formatTimestamp(p.createdMs),
    formatTimestamp(p.updatedMs),
  ];
}
