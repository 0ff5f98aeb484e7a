/**
 * What the simulated cluster is made of: template types, namespaces, node sizes, zones. The
 * templates themselves are in `system-templates.ts` and `app-templates.ts`.
 *
 * @module
 */
import { parseIntQuantity } from '../../core/quantity.js';
import { SimError } from '../errors.js';

/** The controllers the simulator creates pods for. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** A `[min, max)` range a per-entity value is drawn from. */
export type Range = readonly [number, number];

/** One container of a workload's pod template, with its usage profile. */
export interface ContainerTemplate {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always';
  readonly resources: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number; readonly protocol: 'TCP' | 'UDP' }>;
  /** Memory limit in bytes, when the template sets one (drives `memory.availableBytes`). */
  readonly memoryLimitBytes: number | undefined;
  /** Mean CPU use in cores. */
  readonly cpuCores: Range;
  /** Mean working set in bytes; kept below 60% of any memory limit. */
  readonly workingSetBytes: Range;
  /** Writable-layer usage in bytes. */
  readonly rootfsBytes: Range;
  /** Log files usage in bytes. */
  readonly logsBytes: Range;
}

/** A pod volume besides the service-account token volume every pod gets. */
export interface VolumeTemplate {
  readonly name: string;
  /** emptyDir lives on the node filesystem; configMap and secret volumes are tmpfs. */
  readonly source: 'emptyDir' | 'configMap' | 'secret';
  readonly usedBytes: Range;
}

/** A workload kind with its pod template. */
export interface WorkloadTemplate {
  readonly kind: WorkloadKind;
  /** Base of the workload name (`web` → `web`, `web-2`, ...). */
  readonly baseName: string;
  readonly containers: readonly ContainerTemplate[];
  readonly volumes: readonly VolumeTemplate[];
  /** Pods per workload (Jobs per CronJob, parallelism per Job). */
  readonly replicas: Range;
  /** Relative frequency among application workloads (0 for system workloads). */
  readonly weight: number;
  /** Extra pod labels besides the selector. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
  readonly priorityClassName?: string;
}

/** Mebibyte, for the templates. */
export const MiB = 2 ** 20;
/** Kibibyte, for the templates. */
export const KiB = 2 ** 10;

/** A container template; checks that its working set stays well below any memory limit. */
export function container(template: Omit<ContainerTemplate, 'memoryLimitBytes' | 'imagePullPolicy'> & { imagePullPolicy?: 'IfNotPresent' | 'Always' }): ContainerTemplate {
  const memoryLimitBytes = parseIntQuantity(template.resources.limits?.memory);
  const [, maxWorkingSet] = template.workingSetBytes;
  if (memoryLimitBytes !== undefined && maxWorkingSet > memoryLimitBytes * 0.6) {
    throw new SimError('invalid_option', `catalogue: container ${template.name} working set ${maxWorkingSet} too close to its limit ${memoryLimitBytes}`);
  }
  return { imagePullPolicy: 'IfNotPresent', ...template, memoryLimitBytes };
}

/** Names for application namespaces; past the list they repeat with a number. */
export const appNamespaceNames: readonly string[] = [
  'default',
  'shop',
  'payments',
  'search',
  'analytics',
  'media',
  'identity',
  'ledger',
  'catalog',
  'checkout',
  'mail',
  'gateway',
];

/** Namespaces every simulated cluster has besides the application ones. */
export const systemNamespaceNames: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'monitoring'];

/** Node sizes: name, CPU cores, memory GiB. Memory grows with `podsPerNode` past these. */
export const nodeSizes: ReadonlyArray<{ readonly instanceType: string; readonly cpuCores: number; readonly memoryGiB: number }> = [
  { instanceType: 'sim.large', cpuCores: 4, memoryGiB: 16 },
  { instanceType: 'sim.xlarge', cpuCores: 8, memoryGiB: 32 },
  { instanceType: 'sim.2xlarge', cpuCores: 16, memoryGiB: 64 },
];

/** Availability zones nodes are spread over. */
export const zones: readonly string[] = ['sim-zone-a', 'sim-zone-b', 'sim-zone-c'];
