// Vocabulary of building permits and inspections: types, the inspection sequence each type goes through, and
// sentence builders for descriptions and inspector notes. Builders take the PRNG so text stays deterministic.

import { type Rng, hashString, weightedTable } from './random';

export type PermitType =
  | 'building'
  | 'electrical'
  | 'plumbing'
  | 'mechanical'
  | 'roofing'
  | 'solar'
  | 'pool'
  | 'demolition'
  | 'grading'
  | 'sign';

export const PERMIT_TYPES = weightedTable<PermitType>([
  ['building', 30],
  ['electrical', 14],
  ['plumbing', 11],
  ['mechanical', 10],
  ['roofing', 13],
  ['solar', 10],
  ['pool', 3],
  ['demolition', 3],
  ['grading', 2],
  ['sign', 4],
]);

export const WORK_CLASSES = weightedTable([
  ['alteration', 50],
  ['new', 12],
  ['addition', 13],
  ['repair', 25],
] as const);

/** Valuation range in dollars by type (building new/addition is scaled up separately). */
export const VALUATION_RANGE: Record<PermitType, readonly [number, number]> = {
  building: [8_000, 180_000],
  electrical: [800, 25_000],
  plumbing: [600, 18_000],
  mechanical: [2_500, 28_000],
  roofing: [7_500, 45_000],
  solar: [9_000, 48_000],
  pool: [35_000, 140_000],
  demolition: [4_000, 65_000],
  grading: [12_000, 240_000],
  sign: [400, 16_000],
};

/** Which contractors (by the trade word in their name) pull each type of permit. */
const TRADES: Record<PermitType, readonly string[]> = {
  building: ['Construction', 'Builders', 'Remodeling', 'Homes'],
  electrical: ['Electric'],
  plumbing: ['Plumbing'],
  mechanical: ['Mechanical'],
  roofing: ['Roofing'],
  solar: ['Solar', 'Electric'],
  pool: ['Pools'],
  demolition: ['Construction', 'Builders'],
  grading: ['Construction', 'Builders'],
  sign: ['Electric', 'Construction'],
};

/** The contractors of the pool who do this type of work (all of them if none matches). */
export function contractorsForType(contractors: readonly string[], type: PermitType): string[] {
  const trades = TRADES[type];
  const matching = contractors.filter((name) => trades.some((trade) => name.includes(` ${trade}`)));
  return matching.length > 0 ? matching : [...contractors];
}

/** A stable state license number for a contractor, derived from the name. */
export function licenseNumberOf(name: string): string {
  return String((hashString(name) % 900_000) + 100_000);
}

/** Types issued over the counter (no plan review), so they are issued the day they are applied for. */
export const OVER_THE_COUNTER: ReadonlySet<PermitType> = new Set([
  'electrical',
  'plumbing',
  'roofing',
  'sign',
]);

const BUILDING_NEW = [
  'footing',
  'foundation',
  'underground_plumbing',
  'framing',
  'rough_electrical',
  'rough_plumbing',
  'rough_mechanical',
  'insulation',
  'drywall',
  'final',
];
const BUILDING_ADDITION = ['footing', 'foundation', 'framing', 'rough_electrical', 'insulation', 'final'];
const BUILDING_ALTERATION = ['framing', 'rough_electrical', 'final'];
const BUILDING_REPAIR = ['framing', 'final'];

/** The inspections a permit of this type passes through, in order; the last is always the final. */
export function inspectionSequence(type: PermitType, workClass: string): readonly string[] {
  switch (type) {
    case 'building':
      if (workClass === 'new') return BUILDING_NEW;
      if (workClass === 'addition') return BUILDING_ADDITION;
      return workClass === 'repair' ? BUILDING_REPAIR : BUILDING_ALTERATION;
    case 'electrical':
      return ['rough_electrical', 'final'];
    case 'plumbing':
      return ['rough_plumbing', 'final'];
    case 'mechanical':
      return ['rough_mechanical', 'final'];
    case 'roofing':
      return ['roof_sheathing', 'final'];
    case 'solar':
      return ['rough_electrical', 'final'];
    case 'pool':
      return ['pool_pre_gunite', 'pool_pre_plaster', 'pool_barrier', 'final'];
    case 'demolition':
      return ['final'];
    case 'grading':
      return ['grading_pre', 'erosion_control', 'final'];
    case 'sign':
      return ['final'];
  }
}

const SCOPE: Record<PermitType, ReadonlyArray<(rng: Rng) => string>> = {
  building: [
    (r) =>
      `Remodel existing kitchen (approx. ${r.int(120, 420)} sq ft): relocate sink, new cabinets and counters.`,
    (r) => `Convert attached garage to accessory dwelling unit of ${r.int(380, 780)} sq ft with one bedroom.`,
    (r) => `Construct ${r.int(180, 900)} sq ft single-story addition at rear of residence.`,
    (r) =>
      `New ${r.pick(['two', 'three', 'four'])}-bedroom single-family dwelling with attached two-car garage.`,
    (r) => `Replace ${r.int(4, 22)} windows and ${r.int(1, 3)} exterior doors, same size and location.`,
    () => `Bathroom remodel: remove tub, install walk-in shower, new vanity and exhaust fan.`,
    (r) =>
      `Tenant improvement for ${r.pick(['retail', 'office', 'restaurant', 'medical office'])} use, ${r.int(900, 6500)} sq ft.`,
    (r) => `Construct covered patio of ${r.int(150, 480)} sq ft attached to the dwelling.`,
    () => `Foundation repair: install helical piers along the north wall per engineer's letter.`,
  ],
  electrical: [
    (r) => `Upgrade main service panel from 100A to ${r.pick(['200', '225', '400'])}A.`,
    (r) => `Install Level 2 EV charger (${r.pick(['40', '48', '60'])}A circuit) in garage.`,
    (r) => `Add ${r.int(3, 18)} recessed lights and ${r.int(1, 6)} new receptacle circuits.`,
    () => `Replace knob-and-tube wiring throughout the dwelling.`,
  ],
  plumbing: [
    (r) => `Replace ${r.pick(['40', '50', '75'])}-gallon gas water heater in kind; seismic straps required.`,
    () => `Repipe dwelling with PEX; replace galvanized supply lines.`,
    (r) => `Replace ${r.int(30, 140)} ft of sewer lateral from house to property line cleanout.`,
    () => `Install tankless water heater and new gas line from meter.`,
  ],
  mechanical: [
    (r) =>
      `Change out ${r.pick(['2.5', '3', '3.5', '4', '5'])}-ton HVAC system in kind: furnace, coil and condenser.`,
    () => `Replace gas furnace with heat pump; new condensate line.`,
    (r) => `Install ${r.int(1, 4)} ductless mini-split heads.`,
  ],
  roofing: [
    (r) =>
      `Re-roof approx. ${r.int(14, 48)} squares with Class A composition shingles; tear off ${r.pick(['one', 'two'])} layers.`,
    (r) => `Replace ${r.int(8, 40)} squares of tile roof underlayment; reuse existing tile.`,
    () => `Repair roof sheathing damaged by fallen tree; replace rafters as needed.`,
  ],
  solar: [
    (r) =>
      `Install roof-mounted photovoltaic system, ${r.float(3, 14).toFixed(2)} kW DC, ${r.int(9, 36)} modules with microinverters.`,
    (r) => `Add ${r.pick(['13.5', '10', '20'])} kWh battery storage to existing PV system.`,
  ],
  pool: [
    (r) => `New in-ground gunite pool, approx. ${r.int(300, 700)} sq ft, with spa and equipment pad.`,
    () => `Pool remodel: replaster, new tile and coping, replace pump and filter.`,
  ],
  demolition: [
    (r) =>
      `Demolish detached ${r.pick(['garage', 'shed', 'carport', 'accessory structure'])} (${r.int(120, 800)} sq ft).`,
    () => `Demolish fire-damaged single-family dwelling to slab; cap utilities.`,
  ],
  grading: [
    (r) => `Grade approx. ${r.int(80, 4000)} cubic yards for building pad and driveway.`,
    () => `Retaining wall and drainage swale at rear slope per soils report.`,
  ],
  sign: [
    (r) =>
      `Install ${r.pick(['illuminated', 'non-illuminated'])} wall sign, ${r.int(12, 96)} sq ft, for ${r.pick(['retail', 'restaurant', 'office', 'auto repair'])} tenant.`,
    () => `Replace faces of existing monument sign; no structural change.`,
  ],
};

const CONDITIONS: ReadonlyArray<(rng: Rng) => string> = [
  () => 'Work per approved plans; no change of use.',
  () => 'Owner to provide access for inspections.',
  (r) =>
    `Special inspection required for ${r.pick(['concrete', 'epoxy anchors', 'structural welding', 'shear nailing'])}.`,
  () => 'Smoke and carbon monoxide alarms to be verified at final.',
  () => 'Erosion and sediment control BMPs to be in place before work begins.',
  () => 'Energy compliance forms (CF1R) attached.',
  () => 'HOA approval letter on file.',
  () => 'Structural calculations by licensed engineer included.',
];

/** A permit description of two to six sentences, sometimes as a bulleted scope with line breaks. */
export function describePermit(rng: Rng, type: PermitType): string {
  const scope = rng.pick(SCOPE[type])(rng);
  const count = rng.int(1, 4);
  const conditions: string[] = [];
  for (let i = 0; i < count; i++) conditions.push(rng.pick(CONDITIONS)(rng));
  if (rng.chance(0.25)) return `Scope of work:\n- ${scope}\n- ${conditions.join('\n- ')}`;
  return `${scope} ${conditions.join(' ')}`;
}

const PASS_NOTES: ReadonlyArray<(rng: Rng) => string> = [
  () => 'Approved. OK to cover.',
  () => 'Approved as built.',
  () => 'All items complete. Permit finaled.',
  (r) => `Approved. Verified nailing and hold-downs at ${r.int(2, 8)} locations.`,
  () => 'Passed. Smoke/CO alarms tested and working.',
];

const CORRECTIONS: ReadonlyArray<(rng: Rng) => string> = [
  () => 'Provide GFCI protection at kitchen counter receptacles.',
  (r) => `Missing hold-down at ${r.pick(['north', 'south', 'east', 'west'])} shear wall; install per plans.`,
  () => 'Water heater strapping incomplete; provide two straps per CPC 507.2.',
  () => 'Firestop penetrations at top plate.',
  () => 'Approved plans not on site.',
  (r) =>
    `Insulation at ${r.pick(['attic', 'exterior walls', 'crawl space'])} does not meet R-value on plans.`,
  () => 'Provide access to attic furnace; platform and light required.',
  () => 'Pool barrier gate must be self-closing and self-latching.',
  () => 'Erosion control not maintained; silt fence down along street frontage.',
  () => 'Bond all metallic piping; bonding jumper missing at water heater.',
];

/** Inspector notes: null or short on a pass, a list of corrections (with line breaks) on a failure. */
export function writeInspectionNotes(rng: Rng, result: string): string | null {
  if (result === 'pass') return rng.chance(0.55) ? null : rng.pick(PASS_NOTES)(rng);
  if (result === 'not_ready')
    return 'Contractor not ready at time of inspection. Reinspection fee may apply.';
  const count = result === 'partial' ? rng.int(1, 2) : rng.int(1, 4);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`${i + 1}. ${rng.pick(CORRECTIONS)(rng)}`);
  const head = result === 'partial' ? 'Partial approval; remaining items:' : 'Corrections required:';
  // Some inspectors paste the network folder of their photos: a backslash path the COPY escaping must survive.
  const photos = rng.chance(0.15) ? `\nPhotos: \\\\fileserver\\inspections\\${rng.int(1000, 9999)}` : '';
  return `${head}\n${lines.join('\n')}${photos}\tCall for reinspection when complete.`;
}
