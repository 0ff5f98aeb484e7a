/**
 * `scopeQueryService` and `scopeBatch` over the real fixture model: every member of the query
 * service is checked (the list comes from the service object, so a member added later fails here
 * until it is scoped), hidden keys read exactly as unknown ones, and the unrestricted scope costs
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { UNRESTRICTED } from '../../../src/api/auth/types.js';
import { keyVisible, namespaceOfPodUid, scopeBatch, scopeQueryService } from '../../../src/api/query/scope.js';
import { createQueryService } from '../../../src/api/query/service.js';
import type { AggregationName, QueryService } from '../../../src/api/query/types.js';
import type { DataBatch } from '../../../src/core/types.js';
import { copyMetricSet } from '../../helpers/metricSets.js';
import { createModelStore } from '../../../src/store/modelStore.js';
import { fixturePods } from '../../helpers/listers.js';
import { fixtureBatches, fixtureKube, nodeName, times } from '../rest/fixtureApi.js';
import { scopeOf, scrapeStatuses } from './scopeApp.js';

const batches = fixtureBatches();
const store = createModelStore();
for (const batch of batches) store.write(batch);
const query = createQueryService({ model: store, kube: fixtureKube(), scrapes: { statuses: () => scrapeStatuses } });
const scraper = scopeOf('ns:scraper', ['scraper']);
const view = scopeQueryService(query, scraper);
const withNodes = scopeQueryService(query, scopeOf('ns:scraper+nodes', ['scraper'], { nodes: true }));
const inScraper = (key: string) => key === 'namespace:scraper' || key.startsWith('namespace:scraper/');
const systemPod = { namespace: 'kube-system', name: 'etcd-minikube', container: 'etcd' };
const systemPodKey = `namespace:${systemPod.namespace}/pod:${systemPod.name}`;
const scraperPodKey = 'namespace:scraper/pod:e2e-statefulset-0';
const systemContainerKey = `${systemPodKey}/container:${systemPod.container}`;
const scraperContainerKey = `${scraperPodKey}/container:busybox`;
const unknownKey = 'namespace:kube-systen/pod:etcd-minikube';
const range = { startMs: times[0], endMs: times[2] };

/** One check per member of the query service: what the `scraper` caller gets. */
const members: Record<keyof QueryService, () => void> = {
  latestBatch: () => {
    const batch = view.latestBatch()!;
    expect(batch.timestamp).toBe(times[2]);
    expect([...batch.metricSets.keys()]).toEqual([...query.latestBatch()!.metricSets.keys()].filter(inScraper));
  },
  timestamps: () => expect(view.timestamps()).toEqual(query.timestamps()),
  retentionMs: () => expect(view.retentionMs).toBe(query.retentionMs),
  nodes: () => {
    expect(query.nodes().length).toBe(1);
    expect(view.nodes()).toEqual([]);
    expect(withNodes.nodes()).toEqual(query.nodes());
  },
  namespaces: () => expect(view.namespaces().map((e) => e.key)).toEqual(['namespace:scraper']),
  pods: () => {
    expect(view.pods().map((e) => e.key)).toEqual(query.pods('scraper').map((e) => e.key));
    expect(view.pods('scraper')).toEqual(query.pods('scraper'));
    expect(query.pods('kube-system').length).toBe(9);
    expect(view.pods('kube-system')).toEqual([]);
  },
  containers: () => {
    expect(query.containers(systemPod.namespace, systemPod.name).length).toBe(1);
    expect(view.containers(systemPod.namespace, systemPod.name)).toEqual([]);
    expect(view.containers('scraper', 'e2e-statefulset-0')).toEqual(query.containers('scraper', 'e2e-statefulset-0'));
  },
  systemContainers: () => {
    expect(query.systemContainers('minikube.example').length).toBe(2);
    expect(view.systemContainers('minikube.example')).toEqual([]);
    expect(withNodes.systemContainers('minikube.example')).toEqual(query.systemContainers('minikube.example'));
  },
  workloads: () => {
    expect(view.workloads().map((e) => e.key)).toEqual(query.workloads('scraper').map((e) => e.key));
    expect(view.workloads(undefined, 'Deployment').map((e) => e.key)).toEqual(query.workloads('scraper', 'Deployment').map((e) => e.key));
    expect(view.workloads('kube-system')).toEqual([]);
  },
  keys: () => expect(view.keys()).toEqual(query.keys().filter(inScraper)),
  entity: () => {
    expect(query.entity(systemPodKey)).toBeDefined();
    expect(view.entity(systemPodKey)).toBeUndefined();
    expect(view.entity('cluster')).toBeUndefined();
    expect(view.entity(`node:${nodeName}`)).toBeUndefined();
    expect(view.entity(scraperPodKey)).toEqual(query.entity(scraperPodKey));
  },
  metricNames: () => {
    expect(query.metricNames(systemPodKey).length).toBeGreaterThan(5);
    expect(view.metricNames(systemPodKey)).toEqual(query.metricNames(unknownKey));
    expect(view.metricNames(scraperPodKey)).toEqual(query.metricNames(scraperPodKey));
  },
  labeledMetricNames: () => {
    expect(query.labeledMetricNames(systemContainerKey).length).toBeGreaterThan(0);
    expect(view.labeledMetricNames(systemContainerKey)).toEqual([]);
    expect(view.labeledMetricNames(scraperContainerKey)).toEqual(query.labeledMetricNames(scraperContainerKey));
  },
  series: () => {
    expect(query.series(systemPodKey, 'memory/usage', range).points.length).toBe(3);
    expect(view.series(systemPodKey, 'memory/usage', range)).toEqual(query.series(unknownKey, 'memory/usage', range));
    expect(view.series(scraperPodKey, 'memory/usage', range)).toEqual(query.series(scraperPodKey, 'memory/usage', range));
  },
  labeledSeries: () => {
    expect(query.labeledSeries(systemContainerKey, 'filesystem/usage', undefined).length).toBeGreaterThan(0);
    expect(view.labeledSeries(systemContainerKey, 'filesystem/usage', undefined)).toEqual([]);
    expect(view.labeledSeries(scraperContainerKey, 'filesystem/usage', undefined)).toEqual(query.labeledSeries(scraperContainerKey, 'filesystem/usage', undefined));
  },
  latest: () => {
    expect(query.latest(systemPodKey, 'memory/usage')).toBeDefined();
    expect(view.latest(systemPodKey, 'memory/usage')).toBeUndefined();
    expect(view.latest(scraperPodKey, 'memory/usage')).toEqual(query.latest(scraperPodKey, 'memory/usage'));
  },
  aggregate: () => {
    expect(query.aggregate('cluster', 'memory/usage', ['max']).buckets.length).toBe(1);
    expect(view.aggregate('cluster', 'memory/usage', ['max'])).toEqual(query.aggregate(unknownKey, 'memory/usage', ['max']));
    // The store's own refusal of bad input comes first, hidden key or not.
    const bogus = ['average', 'mode'] as unknown as AggregationName[];
    const refusal = (q: QueryService, key: string) => {
      try {
        q.aggregate(key, 'memory/usage', bogus);
      } catch (error) {
        return [(error as { code?: string }).code, (error as Error).message];
      }
      return undefined;
    };
    expect(refusal(query, unknownKey)).toEqual(['unknown_aggregation', expect.any(String)]);
    expect(refusal(view, systemPodKey)).toEqual(refusal(query, unknownKey));
  },
  metricCatalogue: () => expect(view.metricCatalogue()).toEqual(query.metricCatalogue()),
  describeMetric: () => expect(view.describeMetric('custom/x')).toEqual(query.describeMetric('custom/x')),
  kube: () => {
    expect(view.kube.getPod(systemPod.namespace, systemPod.name)).toBeUndefined();
    expect(query.kube.getPod(systemPod.namespace, systemPod.name)).toBeDefined();
    expect(view.kube.getPod('scraper', 'e2e-statefulset-0')).toBe(query.kube.getPod('scraper', 'e2e-statefulset-0'));
    expect(view.kube.listPods().map((p) => p.metadata?.namespace)).toEqual(fixturePods().filter((p) => p.metadata?.namespace === 'scraper').map(() => 'scraper'));
    expect(view.kube.listPods('kube-system')).toEqual([]);
    expect(view.kube.listPods('scraper')).toEqual(query.kube.listPods('scraper'));
    expect(view.kube.getNode(nodeName)).toBeUndefined();
    expect(view.kube.listNodes()).toEqual([]);
    expect(withNodes.kube.getNode(nodeName)).toBe(query.kube.getNode(nodeName));
    expect(view.kube.getNamespace('kube-system')).toBeUndefined();
    expect(view.kube.getNamespace('scraper')).toBe(query.kube.getNamespace('scraper'));
  },
  scrapeStatus: () => {
    expect(view.scrapeStatus(nodeName)).toBeUndefined();
    expect(withNodes.scrapeStatus(nodeName)).toEqual(scrapeStatuses[0]);
  },
  scrapeStatuses: () => {
    expect(view.scrapeStatuses()).toEqual([]);
    expect(withNodes.scrapeStatuses()).toEqual(scrapeStatuses);
  },
};

describe('scopeQueryService', () => {
  it('scopes every member of the query service', () => {
    expect(Object.keys(query).sort()).toEqual(Object.keys(members).sort());
    for (const check of Object.values(members)) check();
  });

  it('returns the service itself for the unrestricted scope, and one wrapper per scope object', () => {
    expect(scopeQueryService(query, UNRESTRICTED)).toBe(query);
    expect(scopeQueryService(query, scraper)).toBe(view);
    expect(scopeQueryService(query, scopeOf('ns:scraper', ['scraper']))).not.toBe(view);
  });

  it('decides visibility from the key alone, for every kind of set in the fixture', () => {
    const kinds = new Map<string, boolean[]>();
    for (const [key, set] of batches[2]!.metricSets) {
      const type = set.labels.type!;
      kinds.set(type, [...(kinds.get(type) ?? []), keyVisible(scraper, key)]);
      expect(keyVisible(scraper, key), key).toBe(inScraper(key));
      expect(keyVisible(UNRESTRICTED, key), key).toBe(true);
    }
    expect([...kinds.keys()].sort()).toEqual(['cluster', 'node', 'ns', 'pod', 'pod_container', 'sys_container', 'workload']);
    expect(keyVisible(scopeOf('k', '*', { cluster: true }), 'cluster')).toBe(true);
    expect(keyVisible(scopeOf('k', '*', { nodes: true }), 'node:minikube/container:kubelet')).toBe(true);
    expect(keyVisible(scopeOf('k', '*', { nodes: true, cluster: true }), 'not-a-key')).toBe(false);
  });

  it('leaves dynamic metric names of hidden sets out of the catalogue', () => {
    const newest = batches[2]!;
    const withCustom: DataBatch = { timestamp: newest.timestamp + 60_000, metricSets: new Map(newest.metricSets) };
    const etcd = copyMetricSet(newest.metricSets.get(systemPodKey)!);
    etcd.metricValues.set('custom/etcd_raft_proposals', 12.5);
    withCustom.metricSets.set(systemPodKey, etcd);
    const model = createModelStore();
    model.write(withCustom);
    const service = createQueryService({ model });
    const names = (q: QueryService) => q.metricCatalogue().map((d) => d.name);
    expect(names(service)).toContain('custom/etcd_raft_proposals');
    expect(names(scopeQueryService(service, scopeOf('ns:kube-system', ['kube-system'])))).toContain('custom/etcd_raft_proposals');
    expect(names(scopeQueryService(service, scraper))).toEqual(names(service).filter((n) => n !== 'custom/etcd_raft_proposals'));
  });

  it('resolves pod UIDs only to pods the caller may see', () => {
    const uid = (namespace: string, name: string) => fixturePods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name)!.metadata!.uid!;
    expect(namespaceOfPodUid(query, uid('kube-system', 'etcd-minikube'))).toBe('kube-system');
    expect(namespaceOfPodUid(view, uid('kube-system', 'etcd-minikube'))).toBeUndefined();
    expect(namespaceOfPodUid(view, uid('scraper', 'e2e-statefulset-0'))).toBe('scraper');
    expect(namespaceOfPodUid(query, 'no-such-uid')).toBeUndefined();
  });
});

describe('scopeBatch', () => {
  const batch = batches[2]!;

  it('keeps the visible sets, shared rather than copied, once per batch and scope key', () => {
    const scoped = scopeBatch(batch, scraper);
    expect(scoped.timestamp).toBe(batch.timestamp);
    expect([...scoped.metricSets.keys()]).toEqual([...batch.metricSets.keys()].filter(inScraper));
    for (const [key, set] of scoped.metricSets) expect(set).toBe(batch.metricSets.get(key));
    expect(scopeBatch(batch, scopeOf('ns:scraper', ['scraper']))).toBe(scoped);
    expect(scopeBatch(batch, scopeOf('ns:kube-system', ['kube-system']))).not.toBe(scoped);
  });

  it('is the batch itself for the unrestricted scope', () => {
    expect(scopeBatch(batch, UNRESTRICTED)).toBe(batch);
  });
});
