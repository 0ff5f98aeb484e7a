/**
 * Per-node kubelet faults: what a scraper meets in real clusters (a node that is down, slow,
 * erroring, answering garbage, cut off mid-body, or sending far too much).
 *
 * @module
 */
import { SimError } from '../errors.js';

/** One node's misbehaviour. */
export type KubeletFault =
  /** Connections are accepted and immediately destroyed (reset), including open keep-alive ones. */
  | { kind: 'down' }
  /** Every response waits this long before it is sent. */
  | { kind: 'slow'; delayMs: number }
  /** Every request gets this HTTP status with a short plain-text error body. */
  | { kind: 'status'; status: number }
  /** 200 with a body that is neither valid JSON nor valid Prometheus text. */
  | { kind: 'malformed' }
  /** 200 announcing the full Content-Length, then half the body and a closed connection. */
  | { kind: 'truncated' }
  /**
   * 200 with the real body padded with whitespace to this many bytes, streamed without
   * Content-Length, or announcing it first with `declareLength` (a client can then refuse
   * before reading).
   */
  | { kind: 'oversized'; bytes: number; declareLength?: boolean };

/** The fault table of a set of kubelets. */
export interface KubeletFaults {
  /** Sets (replaces) the fault of one node. */
  set(nodeName: string, fault: KubeletFault): void;
  /** Clears one node's fault, or every fault when no name is given. */
  clear(nodeName?: string): void;
  /** The node's current fault. */
  get(nodeName: string): KubeletFault | undefined;
  /** Nodes with a fault. */
  readonly size: number;
  /** Called after every change with the node whose fault changed (undefined: all cleared). */
  onChange(listener: (nodeName: string | undefined, fault: KubeletFault | undefined) => void): () => void;
}

/** Longest delay a slow fault may ask for. */
export const MAX_FAULT_DELAY_MS = 10 * 60_000;
/** Largest body an oversized fault may ask for. */
export const MAX_OVERSIZED_BYTES = 2 ** 31;

function invalid(message: string, field: string): SimError {
  return new SimError('invalid_option', message, { option: field });
}

/** Checks a fault from untyped input; errors name the field and what was received. */
export function parseKubeletFault(fault: unknown): KubeletFault {
  const kind = (fault as { kind?: unknown } | null)?.kind;
  const value = fault as Record<string, unknown>;
  switch (kind) {
    case 'down':
    case 'malformed':
    case 'truncated':
      return { kind };
    case 'slow': {
      const { delayMs } = value;
      if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_FAULT_DELAY_MS) {
        throw invalid(`fault.delayMs must be a number from 0 to ${MAX_FAULT_DELAY_MS}, received ${JSON.stringify(delayMs)}`, 'fault.delayMs');
      }
      return { kind, delayMs };
    }
    case 'status': {
      const { status } = value;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        throw invalid(`fault.status must be an HTTP status from 100 to 599, received ${JSON.stringify(status)}`, 'fault.status');
      }
      return { kind, status };
    }
    case 'oversized': {
      const { bytes } = value;
      if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > MAX_OVERSIZED_BYTES) {
        throw invalid(`fault.bytes must be an integer from 1 to ${MAX_OVERSIZED_BYTES}, received ${JSON.stringify(bytes)}`, 'fault.bytes');
      }
      const { declareLength } = value;
      if (declareLength !== undefined && typeof declareLength !== 'boolean') {
        throw invalid(`fault.declareLength must be a boolean when given, received ${JSON.stringify(declareLength)}`, 'fault.declareLength');
      }
      return declareLength ? { kind, bytes, declareLength } : { kind, bytes };
    }
    default:
      throw invalid(
        `fault.kind must be one of down, slow, status, malformed, truncated, oversized, received ${JSON.stringify(kind)}`,
        'fault.kind',
      );
  }
}

/** Options of {@link createKubeletFaults}. */
export interface KubeletFaultsOptions {
  /** Whether a node name exists; `set` refuses unknown nodes. @default every name is accepted */
  isKnownNode?: (nodeName: string) => boolean;
}

/** An empty fault table. */
export function createKubeletFaults(options: KubeletFaultsOptions = {}): KubeletFaults {
  const { isKnownNode = () => true } = options;
  const faults = new Map<string, KubeletFault>();
  const listeners = new Set<(nodeName: string | undefined, fault: KubeletFault | undefined) => void>();
  const notify = (nodeName: string | undefined, fault: KubeletFault | undefined) => {
    for (const listener of [...listeners]) listener(nodeName, fault);
  };
  return {
    set(nodeName, fault) {
      if (typeof nodeName !== 'string' || !isKnownNode(nodeName)) {
        throw new SimError('unknown_node', `no simulated node named ${JSON.stringify(nodeName)}`, { node: String(nodeName) });
      }
      const checked = parseKubeletFault(fault);
      faults.set(nodeName, checked);
      notify(nodeName, checked);
    },
    clear(nodeName) {
      if (nodeName === undefined) faults.clear();
      else faults.delete(nodeName);
      notify(nodeName, undefined);
    },
    get: (nodeName) => faults.get(nodeName),
    get size() {
      return faults.size;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
