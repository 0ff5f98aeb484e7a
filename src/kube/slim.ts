/**
 * What the informer caches keep of each object. Every list item and watch event is turned into
 * a slim plain object right after it is parsed, before anything is cached: client-node's model
 * classes carry every field of the API (each one set, most to undefined), which made a cached
 * pod ~8.5 kB of heap. Slim objects keep the fields below and nothing else, still typed as the
 * client-node models (Pods, Nodes, Namespaces, ReplicaSets and Jobs are valid `V1…` objects, so
 * the processors and the API compile and read them unchanged), with timestamps as `Date`s as
 * client-node decodes them. Repeated strings are pooled, and the parts replicas have in common
 * (container list, label set, owner references) are shared, frozen, between them.
 *
 * Kept, and who reads it:
 * - every kind: metadata.name, namespace, uid, resourceVersion (ListWatch's cache keys, resume
 *   and relist), creationTimestamp (graph `creationTimestamp`).
 * - Pod: metadata.labels (label copier, selectors, graph), metadata.ownerReferences (apiVersion,
 *   kind, name, uid, controller: workload resolver, graph `owner`/`ownerReferences`);
 *   spec.nodeName (graph `node`); spec.containers and spec.initContainers: name, image,
 *   resources.requests/limits (pod enricher, metrics API, graph `Container`); spec.volumes: name
 *   and which source (graph `Volume.source`; source members only for kinds with required ones);
 *   status.phase, qosClass, podIP, hostIP, startTime (enricher, graph); status.containerStatuses
 *   and initContainerStatuses: name, image, imageID, ready, restartCount, and state — running
 *   .startedAt, waiting, terminated.exitCode (enricher `restart_count`, graph `Container`).
 * - Node: metadata.labels (autoscaling enricher, selectors, graph), metadata.annotations (the
 *   `host_id_annotation` source option); spec.externalID, spec.unschedulable (scrape targets,
 *   graph); status.addresses, the Ready condition (type, status), capacity, allocatable,
 *   nodeInfo, daemonEndpoints.kubeletEndpoint.Port (scrape targets, enricher, graph).
 * - Namespace: metadata.labels, status.phase (graph).
 * - ReplicaSet, Job: metadata.ownerReferences (workload resolver: ReplicaSet → Deployment, Job → CronJob).
 * - Deployment: spec.replicas; StatefulSet: spec.replicas, spec.serviceName; DaemonSet: identity
 *   only; CronJob: spec.schedule (the listers' documented shape; nothing in the pipeline reads them).
 *
 * @module
 */
import type {
  V1CronJob,
  V1CronJobSpec,
  V1DaemonSet,
  V1Deployment,
  V1DeploymentSpec,
  V1Job,
  V1Namespace,
  V1Node,
  V1NodeSystemInfo,
  V1ReplicaSet,
  V1StatefulSet,
  V1StatefulSetSpec,
} from '@kubernetes/client-node';
import type { KubeResource, KubeResourceTypes } from './resources.js';
import { slimMetadata } from './slim-meta.js';
import { slimPod } from './slim-pod.js';
import { createFieldReader, type FieldReader, type RawObject, type ReaderPools } from './slim-read.js';

/** A cached Deployment: identity and `spec.replicas`. */
export type CachedDeployment = Omit<V1Deployment, 'spec' | 'status'> & { spec?: Pick<V1DeploymentSpec, 'replicas'> };
/** A cached StatefulSet: identity, `spec.replicas` and `spec.serviceName`. */
export type CachedStatefulSet = Omit<V1StatefulSet, 'spec' | 'status'> & { spec?: Pick<V1StatefulSetSpec, 'replicas' | 'serviceName'> };
/** A cached DaemonSet: identity only. */
export type CachedDaemonSet = Omit<V1DaemonSet, 'spec' | 'status'>;
/** A cached CronJob: identity and `spec.schedule`. */
export type CachedCronJob = Omit<V1CronJob, 'spec' | 'status'> & { spec?: Partial<Pick<V1CronJobSpec, 'schedule'>> };

/** Turns one object as received (a list item or a watch event's object) into its cached form. */
export type Slimmer<T> = (raw: unknown) => T;

/** One slimmer per cached resource, sharing one string pool. */
export type Slimmers = { readonly [R in KubeResource]: Slimmer<KubeResourceTypes[R]> };

const nodeInfoFields = [
  'architecture',
  'bootID',
  'containerRuntimeVersion',
  'kernelVersion',
  'kubeProxyVersion',
  'kubeletVersion',
  'machineID',
  'operatingSystem',
  'osImage',
  'systemUUID',
] as const satisfies ReadonlyArray<keyof V1NodeSystemInfo>;

function slimNodeInfo(read: FieldReader, raw: RawObject | undefined): V1NodeSystemInfo | undefined {
  if (raw === undefined) return undefined;
  const info = {} as V1NodeSystemInfo;
  for (const field of nodeInfoFields) info[field] = read.shared(raw[field])!;
  return info;
}

function slimNode(read: FieldReader, raw: RawObject): V1Node {
  const spec = read.object(raw.spec);
  const status = read.object(raw.status);
  const kubeletEndpoint = read.object(read.object(status?.daemonEndpoints)?.kubeletEndpoint);
  return {
    metadata: slimMetadata(read, read.object(raw.metadata), { labels: true, annotations: true }),
    spec: spec === undefined ? undefined : { externalID: read.text(spec.externalID), unschedulable: read.boolean(spec.unschedulable) },
    status:
      status === undefined
        ? undefined
        : {
            addresses: read.objects(status.addresses)?.map((address) => ({ type: read.shared(address.type)!, address: read.text(address.address)! })),
            conditions: read
              .objects(status.conditions)
              ?.filter((condition) => condition.type === 'Ready')
              .map((condition) => ({ type: 'Ready', status: read.shared(condition.status)! })),
            capacity: read.strings(status.capacity),
            allocatable: read.strings(status.allocatable),
            nodeInfo: slimNodeInfo(read, read.object(status.nodeInfo)),
            daemonEndpoints: kubeletEndpoint === undefined ? undefined : { kubeletEndpoint: { Port: read.number(kubeletEndpoint.Port)! } },
          },
  };
}

function slimNamespace(read: FieldReader, raw: RawObject): V1Namespace {
  const status = read.object(raw.status);
  return {
    metadata: slimMetadata(read, read.object(raw.metadata), { labels: true }),
    status: status === undefined ? undefined : { phase: read.shared(status.phase) },
  };
}

const owned = (read: FieldReader, raw: RawObject): V1ReplicaSet & V1Job => ({
  metadata: slimMetadata(read, read.object(raw.metadata), { ownerReferences: true }),
});

/** Creates the slimmers; every cache made from them shares `pools` (new ones by default). */
export function createSlimmers(pools: ReaderPools = {}): Slimmers {
  const read = createFieldReader(pools);
  const from = <T>(slim: (read: FieldReader, raw: RawObject) => T): Slimmer<T> => (raw) => slim(read, read.object(raw) ?? {});
  const spec = (raw: RawObject): RawObject | undefined => read.object(raw.spec);
  const metadata = (raw: RawObject) => slimMetadata(read, read.object(raw.metadata));
  return {
    nodes: from(slimNode),
    namespaces: from(slimNamespace),
    pods: from(slimPod),
    replicasets: from(owned),
    jobs: from(owned),
    deployments: from((_, raw): CachedDeployment => {
      const body = spec(raw);
      return { metadata: metadata(raw), spec: body === undefined ? undefined : { replicas: read.number(body.replicas) } };
    }),
    statefulsets: from((_, raw): CachedStatefulSet => {
      const body = spec(raw);
      return { metadata: metadata(raw), spec: body === undefined ? undefined : { replicas: read.number(body.replicas), serviceName: read.text(body.serviceName) } };
    }),
    daemonsets: from((_, raw): CachedDaemonSet => ({ metadata: metadata(raw) })),
    cronjobs: from((_, raw): CachedCronJob => {
      const body = spec(raw);
      return { metadata: metadata(raw), spec: body === undefined ? undefined : { schedule: read.text(body.schedule) } };
    }),
  };
}
