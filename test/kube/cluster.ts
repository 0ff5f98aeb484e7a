/**
 * Test factory for the informer suites: the simulator's fake API server seeded with the
 * captured v1.26 lists (plus one object of each owner kind), and an informer set pointed at it.
 */
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { buildKubeConfig, parseKubeSourceUri } from '../../src/kube/config.js';
import { createKubeInformers, type KubeInformers, type KubeInformersOptions } from '../../src/kube/informers.js';
import { startApiServer, type ApiServerHandle } from '../../src/sim/apiserver/server.js';
import type { KubeObject, SimObjectStore } from '../../src/sim/types.js';
import { readFixtureJson } from '../helpers/fixtures.js';

export const capturedNodes = readFixtureJson<{ items: V1Node[] }>('kube-api/nodelist-k8s1.26-minikube-nri.json').items;
export const capturedNamespaces = readFixtureJson<{ items: V1Namespace[] }>('kube-api/namespacelist-k8s1.26-minikube-nri.json').items;
export const capturedPods = readFixtureJson<{ items: V1Pod[] }>('kube-api/podlist-k8s1.26-minikube-nri.json').items;

/** One object of each owner kind, in namespace `scraper`. */
export const owners = {
  replicasets: { metadata: { name: 'web-5d8f7c9b4', namespace: 'scraper', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1', controller: true }] }, spec: { replicas: 1 } },
  deployments: { metadata: { name: 'web', namespace: 'scraper' }, spec: { replicas: 1 } },
  statefulsets: { metadata: { name: 'db', namespace: 'scraper' }, spec: { replicas: 1, serviceName: 'db' } },
  daemonsets: { metadata: { name: 'agent', namespace: 'scraper' }, spec: {} },
  jobs: { metadata: { name: 'backup-28000000', namespace: 'scraper', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'c-1', controller: true }] }, spec: {} },
  cronjobs: { metadata: { name: 'backup', namespace: 'scraper' }, spec: { schedule: '*/5 * * * *' } },
} satisfies Record<string, KubeObject>;

/** Puts the captured nodes, namespaces and pods and the owner objects into `store`. */
export function seedCapturedCluster(store: SimObjectStore): void {
  for (const node of capturedNodes) store.upsert('nodes', node as unknown as KubeObject);
  for (const namespace of capturedNamespaces) store.upsert('namespaces', namespace as unknown as KubeObject);
  for (const pod of capturedPods) store.upsert('pods', pod as unknown as KubeObject);
  for (const [resource, object] of Object.entries(owners)) store.upsert(resource as keyof typeof owners, object);
}

/** A minimal pod on the captured node. */
export function podObject(namespace: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    metadata: { name, namespace, labels },
    spec: { nodeName: capturedNodes[0]!.metadata!.name, containers: [{ name: 'app', image: 'busybox:1.36' }] },
    status: { phase: 'Running' },
  };
}

/** A logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** A running fake API server and an informer set (not started) pointed at it. */
export interface InformerHarness {
  server: ApiServerHandle;
  informers: KubeInformers;
  lines: Array<Record<string, unknown>>;
  /** Stops the informers, then closes the server. */
  close(): Promise<void>;
}

/** Starts the fake API server (seeded unless `seed: false`) and creates informers with a short backoff. */
export async function createInformerHarness(options: Partial<KubeInformersOptions> = {}, { seed = true } = {}): Promise<InformerHarness> {
  const server = await startApiServer();
  if (seed) seedCapturedCluster(server.store);
  const kubeConfig = buildKubeConfig(parseKubeSourceUri(`kubernetes:${server.url}?inClusterConfig=false`, {}));
  const { logger, lines } = captureLogger();
  const informers = createKubeInformers({ kubeConfig, backoff: { initialMs: 20, maxMs: 200 }, logger, ...options });
  return {
    server,
    informers,
    lines,
    async close() {
      await informers.stop();
      await server.close();
    },
  };
}
