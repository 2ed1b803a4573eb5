// Seeded randomness for the demo generator. Every row draws from its own stream, keyed by (seed, table, id), so
// any row can be regenerated on its own: children re-derive their parent's facts instead of holding the parent
// table in memory, and the output depends only on the seed and the requested size.

/** Mix numbers into one 32-bit hash (murmur3 finaliser); stable across platforms. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Split into two 32-bit halves so ids and seeds above 2^32 still mix fully.
    const low = value >>> 0;
    const high = Math.floor(value / 0x100000000) >>> 0;
    for (const part of [low, high]) {
      h = Math.imul(h ^ part, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** Hash of a string, for turning table names into stream keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small, fast PRNG (mulberry32). One instance is reset per row rather than allocated, to keep seeding fast. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Restart the stream at a new seed. */
  reset(seed: number): this {
    this.state = seed >>> 0;
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Pick by weight from a table built once with weightedTable. */
  weighted<T>(table: WeightedTable<T>): T {
    const r = this.next() * table.total;
    const { cumulative, values } = table;
    let i = 0;
    while (i < cumulative.length - 1 && (cumulative[i] ?? 0) <= r) i++;
    return values[i] as T;
  }

  /** Skewed towards min: most lots are small, a few are huge. power > 1 increases the skew. */
  skewed(min: number, max: number, power: number): number {
    return min + (max - min) * Math.pow(this.next(), power);
  }

  /** Roughly normal (sum of three uniforms), clamped to [min, max]. */
  normal(mean: number, spread: number, min: number, max: number): number {
    const z = (this.next() + this.next() + this.next() - 1.5) * 2;
    return Math.min(max, Math.max(min, mean + z * spread));
  }
}

export interface WeightedTable<T> {
  values: readonly T[];
  cumulative: readonly number[];
  total: number;
}

/** Precompute cumulative weights so each weighted pick is a short scan. */
export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [value, weight] of entries) {
    total += weight;
    values.push(value);
    cumulative.push(total);
  }
  return { values, cumulative, total };
}
