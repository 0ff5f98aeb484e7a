/**
 * The simulated cluster as the kubelets and the entry points see it.
 *
 * @module
 */
import type { KubeObject, SimObjectStore } from '../types.js';
import type { NodeSample } from './usage.js';
import type { NodeState } from './state.js';

/** Pod churn: replacements and container restarts per minute of clock time. */
export interface SimChurnOptions {
  /** Pods deleted and replaced per minute. @default 0 */
  podsPerMinute?: number;
  /** Container restarts per minute. @default 0 */
  restartsPerMinute?: number;
}

/** What to simulate. */
export interface SimClusterOptions {
  /** Number of nodes (1 – 65,536). */
  nodes: number;
  /** Pods on every node, DaemonSet pods included (0 – 250). */
  podsPerNode: number;
  /** Seed of every name, uid and usage rate. @default 1 */
  seed?: number;
  /** Port in each node's `daemonEndpoints.kubeletEndpoint`. @default 10255 */
  kubeletPort?: number;
  /** Epoch milliseconds now. @default Date.now */
  clock?: () => number;
  churn?: SimChurnOptions;
  /** Where Kubernetes objects are written. */
  store: SimObjectStore;
}

/** A built cluster: its nodes, its usage, its churn. */
export interface SimCluster {
  readonly seed: number;
  readonly podsPerNode: number;
  /** Port published in the Node objects (changed by {@link SimCluster.setKubeletPort}). */
  readonly kubeletPort: number;
  readonly nodes: readonly NodeState[];
  /** Pods currently running. */
  readonly podCount: number;
  /** The node of that name. */
  node(name: string): NodeState | undefined;
  /** The node whose InternalIP is `address`. */
  nodeByAddress(address: string): NodeState | undefined;
  /** Epoch milliseconds from the cluster's clock. */
  now(): number;
  /** Applies the churn due by now; returns how many events were applied. */
  tick(): number;
  /** Churn first, then every figure of the node at `atMs` (default now). */
  sample(node: NodeState, atMs?: number): NodeSample;
  /** The node's running pods as Pod objects (the kubelet's `/pods`). */
  podObjects(node: NodeState): KubeObject[];
  /** Republishes every Node with a new kubelet port. */
  setKubeletPort(port: number): void;
}
