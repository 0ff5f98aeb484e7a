/**
 * Seeded randomness for the simulator: every name, uid and usage rate comes from here, so one
 * seed gives the same cluster on every run.
 *
 * @module
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a 32-bit state PRNG, small and fast enough to draw millions of values while a
 * 5,000-node cluster is built, and good enough for test data.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string mixed with a seed: derives independent sub-seeds from names. */
export function hashString(text: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche so that names differing in one trailing character land far apart.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** A number in [min, max). */
export function randomBetween(random: Random, min: number, max: number): number {
  return min + random() * (max - min);
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/*
 * Strings below are built from char codes in one go: concatenating character by character
 * leaves rope strings of dozens of heap objects each, which for 150k pods costs hundreds of MiB.
 */

/** A generated-name suffix as Kubernetes makes them (`6sfz4`, pod-template-hash `7486999578`). */
export function randomSuffix(random: Random, length: number): string {
  const codes: number[] = [];
  for (let i = 0; i < length; i++) codes.push(suffixAlphabet.charCodeAt(Math.floor(random() * suffixAlphabet.length)));
  return String.fromCharCode(...codes);
}

const hexDigits = '0123456789abcdef';
const DASH = 0x2d;

/** A version-4-shaped UUID drawn from the PRNG. */
export function randomUid(random: Random): string {
  const codes: number[] = [];
  for (let i = 0; i < 32; i++) {
    let digit = Math.floor(random() * 16);
    if (i === 12) digit = 4;
    else if (i === 16) digit = 8 + (digit & 3);
    codes.push(hexDigits.charCodeAt(digit));
    if (i === 7 || i === 11 || i === 15 || i === 19) codes.push(DASH);
  }
  return String.fromCharCode(...codes);
}

/** A random hex string (container ids, boot ids). */
export function randomHex(random: Random, length: number): string {
  const codes: number[] = [];
  for (let i = 0; i < length; i++) codes.push(hexDigits.charCodeAt(Math.floor(random() * 16)));
  return String.fromCharCode(...codes);
}
