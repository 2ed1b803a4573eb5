// What every row generator needs: the seed, the name pools, the table sizes (children pick parents by id) and
// the stream keys that give each table its own random sequence.

import { type NamePools, buildNamePools } from './pools';
import { Rng, hashInts, hashString } from './random';
import { PERMIT_TYPES, type PermitType, contractorsForType } from './vocab-permits';

export interface GeneratorContext {
  seed: number;
  pools: NamePools;
  parcelCount: number;
  permitCount: number;
  /** Contractors by the permit type they pull. */
  contractorsByType: Record<PermitType, string[]>;
  /** Centre (lat, long) of each city in pools.cities; parcels cluster around them. */
  cityCenters: ReadonlyArray<readonly [number, number]>;
}

export const STREAMS = {
  parcel: hashString('parcels'),
  permit: hashString('building_permits'),
  permitText: hashString('building_permits.text'),
  inspections: hashString('inspections'),
  request: hashString('service_requests'),
  change: hashString('change_hour'),
} as const;

/** The seed of one row's random stream. */
export function rowSeed(ctx: GeneratorContext, stream: number, id: number): number {
  return hashInts(ctx.seed, stream, id);
}

/** How DEMO_ROWS splits across the tables; inspections follow permits, service requests take the rest. */
export interface RowPlan {
  parcels: number;
  permits: number;
  inspectionsTarget: number;
  total: number;
}

export function planRowCounts(total: number): RowPlan {
  const parcels = Math.max(10, Math.round(total * 0.1));
  const permits = Math.max(10, Math.round(total * 0.15));
  return { parcels, permits, inspectionsTarget: Math.round(total * 0.35), total };
}

export function createGeneratorContext(
  seed: number,
  plan: { parcels: number; permits: number },
): GeneratorContext {
  const pools = buildNamePools(seed);
  // The county sits in California's Central Valley; cities lie within ~40 km of its centre.
  const rng = new Rng(hashInts(seed, hashString('cities')));
  const cityCenters = pools.cities.map(() => [rng.float(38.35, 38.75), rng.float(-121.75, -121.15)] as const);
  const contractorsByType = Object.fromEntries(
    PERMIT_TYPES.values.map((type) => [type, contractorsForType(pools.contractors, type)]),
  ) as Record<PermitType, string[]>;
  return {
    seed,
    pools,
    parcelCount: plan.parcels,
    permitCount: plan.permits,
    contractorsByType,
    cityCenters,
  };
}
