/**
 * The simulated cluster: built once from a seed, then kept current by churn, sampled by the
 * kubelets on demand.
 *
 * @module
 */
import { SimError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { buildCluster } from './build.js';
import { applyDueChurn, createChurn } from './churn.js';
import { nodeObject } from './node-object.js';
import { podObject } from './pod-object.js';
import { resolveClusterOptions } from './options.js';
import type { NodeState } from './state.js';
import type { SimCluster, SimClusterOptions } from './types.js';
import { sampleNode, type NodeSample } from './usage.js';

/** Builds the cluster, writing its objects into `options.store`. */
export function createSimCluster(options: SimClusterOptions): SimCluster {
  const resolved = resolveClusterOptions(options);
  const { clock, store, seed, podsPerNode } = resolved;
  const podsCapacity = Math.max(110, podsPerNode);
  let kubeletPort = resolved.kubeletPort;
  const startMs = clock();
  const { context } = buildCluster({ ...resolved, podsCapacity, nowMs: startMs });
  const churn = createChurn(seed, startMs, resolved.podsPerMinute, resolved.restartsPerMinute);
  const byName = new Map<string, NodeState>();
  const byAddress = new Map<string, NodeState>();
  for (const node of context.nodes) {
    byName.set(node.name, node);
    byAddress.set(node.address, node);
  }

  const cluster = {
    seed,
    podsPerNode,
    get kubeletPort() {
      return kubeletPort;
    },
    nodes: context.nodes,
    get podCount() {
      return context.podCount;
    },
    node: (name: string) => byName.get(name),
    nodeByAddress: (address: string) => byAddress.get(address),
    now: () => clock(),
    tick: () => applyDueChurn(churn, context, clock()),
    sample(node: NodeState, atMs?: number): NodeSample {
      const nowMs = clock();
      applyDueChurn(churn, context, nowMs);
      return sampleNode(node, atMs ?? nowMs);
    },
    podObjects(node: NodeState): KubeObject[] {
      applyDueChurn(churn, context, clock());
      return node.pods.map((pod) => podObject(pod, node));
    },
    setKubeletPort(port: number): void {
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new SimError('invalid_option', `kubeletPort must be an integer from 1 to 65535, received ${JSON.stringify(port)}`, {
          option: 'kubeletPort',
        });
      }
      if (port === kubeletPort) return;
      kubeletPort = port;
      for (const node of context.nodes) store.upsert('nodes', nodeObject(node, port, podsCapacity));
    },
  } satisfies SimCluster;
  return cluster;
}
