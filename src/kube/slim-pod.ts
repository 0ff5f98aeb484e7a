/**
 * The cached form of a Pod: only the fields Heapgraph reads (see `slim.ts` for the list and who
 * reads each), still a valid `V1Pod`. Pods outnumber every other cached kind (30 per node), so this is
 * where the memory goes; everything else a pod carries (managedFields, env, volume mounts, probes,
 * tolerations, conditions, annotations…) is dropped on arrival.
 *
 * @module
 */
import type { V1Container, V1ContainerState, V1ContainerStatus, V1Pod, V1Volume } from '@kubernetes/client-node';
import type { FieldReader, RawObject } from './slim-read.js';
import { slimMetadata } from './slim-meta.js';

/**
 * Volume sources whose every member is optional: the cache keeps only which kind a volume is
 * (the graph's `Volume.source`), with one shared empty object. Other kinds (hostPath,
 * persistentVolumeClaim, csi…) have required members and are small, so they are kept as received.
 */
const kindOnlySources: ReadonlySet<string> = new Set(['emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI']);
const emptySource = Object.freeze({});

// Replicas share their container list (name, image, resources): one frozen copy per distinct list.
function slimContainers(read: FieldReader, raw: unknown): V1Container[] | undefined {
  const containers = read.objects(raw)?.map((container) => slimContainer(read, container));
  return containers === undefined ? undefined : read.canonical('containers', containers);
}

function slimContainer(read: FieldReader, raw: RawObject): V1Container {
  const resources = read.object(raw.resources);
  return {
    name: read.shared(raw.name)!,
    image: read.shared(raw.image),
    resources: resources === undefined ? undefined : { requests: read.strings(resources.requests), limits: read.strings(resources.limits) },
  };
}

function slimVolume(read: FieldReader, raw: RawObject): V1Volume {
  // The first member besides `name` that is set names the source, as the graph reads it.
  for (const key of Object.keys(raw)) {
    const source = raw[key];
    if (key === 'name' || source === undefined || source === null) continue;
    return { name: read.shared(raw.name)!, [read.shared(key)!]: kindOnlySources.has(key) ? emptySource : source };
  }
  return { name: read.shared(raw.name)! };
}

function slimState(read: FieldReader, raw: RawObject | undefined): V1ContainerState | undefined {
  if (raw === undefined) return undefined;
  const running = read.object(raw.running);
  const waiting = read.object(raw.waiting);
  const terminated = read.object(raw.terminated);
  return {
    running: running === undefined ? undefined : { startedAt: read.time(running.startedAt) },
    waiting: waiting === undefined ? undefined : {},
    terminated: terminated === undefined ? undefined : { exitCode: read.number(terminated.exitCode)! },
  };
}

function slimContainerStatus(read: FieldReader, raw: RawObject): V1ContainerStatus {
  return {
    name: read.shared(raw.name)!,
    image: read.shared(raw.image)!,
    imageID: read.shared(raw.imageID)!,
    ready: read.boolean(raw.ready)!,
    restartCount: read.number(raw.restartCount)!,
    state: slimState(read, read.object(raw.state)),
  };
}

/** The cached form of a raw Pod. */
export function slimPod(read: FieldReader, raw: RawObject): V1Pod {
  const spec = read.object(raw.spec);
  const status = read.object(raw.status);
  const each = <T>(value: unknown, slim: (read: FieldReader, item: RawObject) => T): T[] | undefined => read.objects(value)?.map((item) => slim(read, item));
  return {
    metadata: slimMetadata(read, read.object(raw.metadata), { labels: true, ownerReferences: true }),
    spec:
      spec === undefined
        ? undefined
        : {
            nodeName: read.shared(spec.nodeName),
            containers: slimContainers(read, spec.containers)!,
            initContainers: slimContainers(read, spec.initContainers),
            volumes: each(spec.volumes, slimVolume),
          },
    status:
      status === undefined
        ? undefined
        : {
            phase: read.shared(status.phase),
            qosClass: read.shared(status.qosClass),
            podIP: read.text(status.podIP),
            hostIP: read.shared(status.hostIP),
            startTime: read.time(status.startTime),
            containerStatuses: each(status.containerStatuses, slimContainerStatus),
            initContainerStatuses: each(status.initContainerStatuses, slimContainerStatus),
          },
  };
}
