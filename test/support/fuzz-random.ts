// A small seeded generator (mulberry32) for the fuzz suite: the same seed gives the same requests,
// so a failure is reproduced by running again with FUZZ_SEED set to the seed it printed.
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  // A float in [0, 1).
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  // A whole number in [min, max].
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error('pick from an empty list');
    }
    return items[Math.floor(this.next() * items.length)];
  }

  // A version 4 UUID from this generator (so "a UUID of nothing" is reproducible too).
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = ((this.int(0, 15) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

export function seedFromEnv(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`FUZZ_SEED must be a whole number from 0 to ${0xffffffff}, not "${raw}"`);
  }
  return seed;
}
