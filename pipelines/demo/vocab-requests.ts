// Vocabulary of 311 service requests: categories with their department, service level and usual priority,
// and sentence builders for what callers write and how staff close requests.

import { type Rng, weightedTable } from './random';

export interface RequestCategory {
  name: string;
  department: string;
  /** Days the county promises to resolve it in (drives due_date). */
  slaDays: number;
  /** Typical hours to resolution: the median of a skewed draw. */
  typicalHours: number;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  /** Share of requests of this kind that are tied to a parcel rather than a street location. */
  parcelShare: number;
  describe: (rng: Rng, street: string, cross: string) => string;
}

const CATEGORIES: ReadonlyArray<readonly [RequestCategory, number]> = [
  [
    {
      name: 'pothole',
      department: 'Roads',
      slaDays: 14,
      typicalHours: 120,
      priority: 'normal',
      parcelShare: 0.1,
      describe: (r, s, c) =>
        `There is a pothole about ${r.int(1, 4)} feet wide on ${s} near ${c}. Cars are swerving into the other lane to avoid it.`,
    },
    18,
  ],
  [
    {
      name: 'streetlight_out',
      department: 'Public Works',
      slaDays: 10,
      typicalHours: 160,
      priority: 'low',
      parcelShare: 0.15,
      describe: (r, s, c) =>
        `Streetlight pole #${r.int(10000, 99999)} on ${s} at ${c} has been out for ${r.pick(['a few days', 'a week', 'two weeks', 'over a month'])}. The block is very dark at night.`,
    },
    10,
  ],
  [
    {
      name: 'graffiti',
      department: 'Public Works',
      slaDays: 7,
      typicalHours: 72,
      priority: 'low',
      parcelShare: 0.45,
      describe: (r, s) =>
        `Graffiti on the ${r.pick(['sound wall', 'utility box', 'bus shelter', 'fence', 'bridge'])} along ${s}. It is about ${r.int(3, 20)} feet long and some of it is offensive.`,
    },
    9,
  ],
  [
    {
      name: 'illegal_dumping',
      department: 'Solid Waste',
      slaDays: 7,
      typicalHours: 96,
      priority: 'normal',
      parcelShare: 0.3,
      describe: (r, s, c) =>
        `Someone dumped ${r.pick(['a mattress and a couch', 'construction debris', 'several bags of trash', 'old tires', 'a broken refrigerator'])} on the shoulder of ${s} near ${c}. It is blocking part of the sidewalk.`,
    },
    10,
  ],
  [
    {
      name: 'missed_collection',
      department: 'Solid Waste',
      slaDays: 2,
      typicalHours: 30,
      priority: 'normal',
      parcelShare: 0.95,
      describe: (r) =>
        `My ${r.pick(['garbage', 'recycling', 'green waste'])} cart was not picked up on ${r.pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}. It was out at the curb by 6 am as usual.`,
    },
    12,
  ],
  [
    {
      name: 'abandoned_vehicle',
      department: 'Parking Enforcement',
      slaDays: 10,
      typicalHours: 200,
      priority: 'low',
      parcelShare: 0.4,
      describe: (r, s) =>
        `A ${r.pick(['white', 'silver', 'black', 'red', 'blue', 'green'])} ${r.pick(['sedan', 'pickup', 'van', 'SUV', 'RV'])} has been parked on ${s} for over ${r.int(3, 6)} weeks. It has flat tires and "expired tags".`,
    },
    7,
  ],
  [
    {
      name: 'noise_complaint',
      department: 'Code Enforcement',
      slaDays: 5,
      typicalHours: 48,
      priority: 'low',
      parcelShare: 0.85,
      describe: (r) =>
        `Loud ${r.pick(['music', 'construction noise', 'barking dogs', 'generator'])} from this address ${r.pick(['every night after 10 pm', 'starting at 5 am', 'all weekend'])}. Neighbors have asked them to stop.`,
    },
    6,
  ],
  [
    {
      name: 'code_violation',
      department: 'Code Enforcement',
      slaDays: 30,
      typicalHours: 500,
      priority: 'normal',
      parcelShare: 0.95,
      describe: (r) =>
        `${r.pick(['Unpermitted construction of a second story', 'Overgrown weeds and a fire hazard', 'Someone appears to be living in an RV in the driveway', 'Junk vehicles stored in the front yard', 'Garage converted to a rental without a permit'])} at this property. It has been like this for ${r.int(2, 12)} months.`,
    },
    8,
  ],
  [
    {
      name: 'tree_hazard',
      department: 'Parks and Trees',
      slaDays: 5,
      typicalHours: 60,
      priority: 'high',
      parcelShare: 0.5,
      describe: (r, s) =>
        `A large ${r.pick(['oak', 'eucalyptus', 'pine', 'sycamore'])} branch ${r.pick(['fell', 'is hanging', 'is cracked'])} over ${s} after the storm. It could hit a car or someone walking.`,
    },
    6,
  ],
  [
    {
      name: 'water_leak',
      department: 'Water Resources',
      slaDays: 1,
      typicalHours: 10,
      priority: 'urgent',
      parcelShare: 0.6,
      describe: (r, s) =>
        `Water is ${r.pick(['bubbling up from the street', 'running down the gutter', 'spraying from the meter box'])} on ${s}. It has been running since ${r.pick(['last night', 'this morning', 'yesterday'])}.`,
    },
    5,
  ],
  [
    {
      name: 'sidewalk_damage',
      department: 'Roads',
      slaDays: 30,
      typicalHours: 700,
      priority: 'low',
      parcelShare: 0.6,
      describe: (r, s) =>
        `The sidewalk on ${s} is lifted about ${r.int(1, 4)} inches by tree roots. An elderly neighbor tripped there last week.`,
    },
    5,
  ],
  [
    {
      name: 'stray_animal',
      department: 'Animal Services',
      slaDays: 1,
      typicalHours: 8,
      priority: 'high',
      parcelShare: 0.5,
      describe: (r, s) =>
        `A ${r.pick(['loose dog', 'injured cat', 'dead deer', 'aggressive dog'])} near ${s}. ${r.pick(['It has no collar.', 'Kids walk here to school.', 'It has been here since morning.'])}`,
    },
    4,
  ],
];

export const REQUEST_CATEGORIES = weightedTable(CATEGORIES);

export const CHANNELS = weightedTable([
  ['phone', 34],
  ['web', 24],
  ['mobile_app', 27],
  ['email', 5],
  ['walk_in', 3],
  ['field', 7],
] as const);

const FOLLOW_UPS: ReadonlyArray<(rng: Rng) => string> = [
  () => 'I reported this before and nothing has been done.',
  () => 'Please call me back if you need more details.',
  (r) => `This has been going on for about ${r.pick(['a week', 'two weeks', 'a month', 'three days'])}.`,
  () => 'Photo attached.',
  () => 'Thank you for your help.',
  () => "It's a safety issue for the kids walking to school.",
  () => 'Caller was upset and asked for a supervisor.',
];

/** A 311 description of two to four sentences, as the caller or the agent wrote it. */
export function describeRequest(rng: Rng, category: RequestCategory, street: string, cross: string): string {
  let text = category.describe(rng, street, cross);
  const extra = rng.int(1, 3);
  for (let i = 0; i < extra; i++) text += ` ${rng.pick(FOLLOW_UPS)(rng)}`;
  // Agents sometimes paste call notes on a new line.
  if (rng.chance(0.1)) text += `\nAgent note: ${rng.pick(FOLLOW_UPS)(rng)}`;
  return text;
}

const RESOLUTIONS: ReadonlyArray<string> = [
  'Work completed by crew.',
  'Inspected; no violation found.',
  'Referred to the responsible agency.',
  'Issue resolved; customer notified.',
  'Unable to locate the reported issue.',
  'Notice of violation issued to the property owner.',
  'Scheduled for the next maintenance cycle.',
];

export function writeResolution(rng: Rng): string {
  return rng.pick(RESOLUTIONS);
}
