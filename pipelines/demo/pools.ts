// Name and place pools drawn from faker once per seed. Faker is far too slow to call per row at millions of rows,
// so the generator picks from these pools with its own PRNG; the pools themselves are deterministic per seed.

import { Faker, base, en, en_US } from '@faker-js/faker';

export interface NamePools {
  firstNames: string[];
  lastNames: string[];
  streets: string[];
  cities: string[];
  zipCodes: string[];
  contractors: string[];
  businesses: string[];
  inspectors: string[];
  phonePrefixes: string[];
  emailDomains: string[];
}

const poolCache = new Map<number, NamePools>();

function unique(make: () => string, count: number, maxTries = count * 20): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < maxTries && seen.size < count; i++) seen.add(make());
  return [...seen];
}

/** Build (or reuse) the pools for a seed. Order of faker calls is fixed, so the pools are too. */
export function buildNamePools(seed: number): NamePools {
  const cached = poolCache.get(seed);
  if (cached) return cached;
  const faker = new Faker({ locale: [en_US, en, base] });
  faker.seed(seed);
  const firstNames = unique(() => faker.person.firstName(), 600);
  const lastNames = unique(() => faker.person.lastName(), 1200);
  const streets = unique(() => faker.location.street(), 900);
  // A county has a handful of cities and a few dozen ZIP codes, not thousands.
  const cities = unique(() => faker.location.city(), 9);
  // Northern California ZIP prefixes, so addresses ending in ", CA" look right.
  const zipPrefix = faker.helpers.arrayElement(['956', '957', '958']);
  const zipCodes = unique(() => zipPrefix + faker.string.numeric(2), 28);
  const contractors = unique(() => {
    const trade = faker.helpers.arrayElement([
      'Construction',
      'Builders',
      'Electric',
      'Plumbing',
      'Roofing',
      'Solar',
      'Mechanical',
      'Pools',
      'Remodeling',
      'Homes',
    ]);
    const suffix = faker.helpers.arrayElement(['Inc.', 'LLC', 'Co.', 'Corp.', '']);
    return `${faker.person.lastName()} ${trade} ${suffix}`.trim();
  }, 400);
  const businesses = unique(() => faker.company.name(), 300);
  const inspectors = unique(() => `${faker.person.firstName()} ${faker.person.lastName()}`, 40);
  const areaCode = faker.string.numeric({ length: 3, allowLeadingZeros: false }).replace(/^[01]/, '5');
  const phonePrefixes = unique(
    () => `(${areaCode}) ${faker.string.numeric({ length: 3, allowLeadingZeros: false })}`,
    60,
  );
  const emailDomains = [
    'gmail.com',
    'yahoo.com',
    'outlook.com',
    'icloud.com',
    'hotmail.com',
    'aol.com',
    'comcast.net',
  ];
  const pools = {
    firstNames,
    lastNames,
    streets,
    cities,
    zipCodes,
    contractors,
    businesses,
    inspectors,
    phonePrefixes,
    emailDomains,
  };
  poolCache.set(seed, pools);
  return pools;
}
