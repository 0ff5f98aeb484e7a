/**
 * Validation of the cluster options, once, at the boundary: every error names the option and
 * what was received.
 *
 * @module
 */
import { SimError } from '../errors.js';
import type { SimObjectStore } from '../types.js';
import { MAX_NODE_ADDRESSES } from './addresses.js';
import type { SimClusterOptions } from './types.js';

/** Options with defaults applied and every value checked. */
export interface ResolvedClusterOptions {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly seed: number;
  readonly kubeletPort: number;
  readonly clock: () => number;
  readonly podsPerMinute: number;
  readonly restartsPerMinute: number;
  readonly store: SimObjectStore;
}

/** Largest cluster accepted: each node gets its own /24 of 10.0.0.0/8 for pod IPs. */
export const MAX_NODES = Math.min(65_536, MAX_NODE_ADDRESSES);
/** Most pods per node accepted: a /24 pod CIDR holds 253 pod IPs (kubelets default to 110 pods). */
export const MAX_PODS_PER_NODE = 250;

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SimError('invalid_option', `${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(value)}`, {
      option: name,
    });
  }
  return value;
}

function rate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1_000_000) {
    throw new SimError('invalid_option', `${name} must be a number from 0 to 1000000, received ${JSON.stringify(value)}`, {
      option: name,
    });
  }
  return value;
}

/** Checks the options and applies defaults. */
export function resolveClusterOptions(options: SimClusterOptions): ResolvedClusterOptions {
  const { nodes, podsPerNode, seed = 1, kubeletPort = 10255, clock = Date.now, churn = {}, store } = options;
  const { podsPerMinute = 0, restartsPerMinute = 0 } = churn;
  if (typeof clock !== 'function') {
    throw new SimError('invalid_option', `clock must be a function returning epoch milliseconds, received ${typeof clock}`, { option: 'clock' });
  }
  if (!store || typeof store.upsert !== 'function') {
    throw new SimError('invalid_option', 'store must be a SimObjectStore', { option: 'store' });
  }
  return {
    nodes: integer('nodes', nodes, 1, MAX_NODES),
    podsPerNode: integer('podsPerNode', podsPerNode, 0, MAX_PODS_PER_NODE),
    seed: integer('seed', seed, 0, 2 ** 32 - 1),
    kubeletPort: integer('kubeletPort', kubeletPort, 0, 65_535),
    clock,
    podsPerMinute: rate('churn.podsPerMinute', podsPerMinute),
    restartsPerMinute: rate('churn.restartsPerMinute', restartsPerMinute),
    store,
  };
}
