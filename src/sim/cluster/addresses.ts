/**
 * Node names and kubelet addresses. Every node gets its own loopback address so one port can
 * serve every kubelet: 127.0.1.1, 127.0.1.2, … 127.0.1.254, 127.0.2.1, … — octets 0 and 255
 * are skipped and 127.0.0.1 is never used, so the simulator never collides with local services.
 *
 * @module
 */

const OCTETS = 254;

/** The InternalIP of the node with this index. */
export function nodeAddress(index: number): string {
  const low = (index % OCTETS) + 1;
  const middle = (Math.floor(index / OCTETS) % OCTETS) + 1;
  const high = Math.floor(index / (OCTETS * OCTETS));
  return `127.${high}.${middle}.${low}`;
}

/** How many nodes {@link nodeAddress} can address inside 127.0.0.0/8. */
export const MAX_NODE_ADDRESSES = OCTETS * OCTETS * 256;

/** `sim-node-0007`: zero-padded to at least four digits so names sort in index order. */
export function nodeName(index: number, nodeCount: number): string {
  const width = Math.max(4, String(Math.max(0, nodeCount - 1)).length);
  return `sim-node-${String(index).padStart(width, '0')}`;
}
