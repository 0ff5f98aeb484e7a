import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { toConfig, type HeapgraphConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { kubeResources, resourceDefinitions } from '../../src/kube/resources.js';
import { kubeletEndpoints } from '../../src/sources/kubelet/endpoints.js';
import { groupAndResource, kubeletSubresource, manifestOf, readManifests, root, unknownFields } from './manifests.js';

const manifests = readManifests();
const deployment = manifestOf<k8s.V1Deployment>(manifests, 'Deployment');
const service = manifestOf<k8s.V1Service>(manifests, 'Service');
const serviceAccount = manifestOf<k8s.V1ServiceAccount>(manifests, 'ServiceAccount');
const clusterRole = manifestOf<k8s.V1ClusterRole>(manifests, 'ClusterRole');
const binding = manifestOf<k8s.V1ClusterRoleBinding>(manifests, 'ClusterRoleBinding');
const kustomization = manifestOf<k8s.KubernetesObject & { namespace?: string; resources?: string[] }>(manifests, 'Kustomization');
const pod = deployment.spec!.template.spec!;
const container = pod.containers[0]!;

/** The config Heapgraph builds from the Deployment's args, with its own parser. */
function deployedConfig(): HeapgraphConfig {
  const result = toConfig(parseFlags(container.args ?? []));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  return result.config;
}

/** `group/resource verb` for every permission a rule grants. */
function grants(rules: readonly k8s.V1PolicyRule[]): string[] {
  return rules.flatMap((rule) => (rule.apiGroups ?? []).flatMap((group) => (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource} ${verb}`))));
}

describe('the deploy/ manifests', () => {
  it('are the files kustomization.yaml lists, each without a namespace and without fields their Kubernetes model lacks', () => {
    const files = manifests.map((m) => m.file).filter((f) => f !== 'kustomization.yaml');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(files);
    expect(kustomization.namespace).toBe('kube-system');
    for (const manifest of manifests.filter((m) => m.file !== 'kustomization.yaml')) {
      expect(manifest.typed.metadata?.namespace, manifest.file).toBeUndefined();
      expect(unknownFields(manifest), manifest.file).toEqual([]);
    }
  });

  it('grant exactly what Heapgraph uses: its informers, the kubelet endpoint of --source and the reviews of --delegated_auth', () => {
    const config = deployedConfig();
    if (config.source.kind !== 'kubernetes') throw new Error('the Deployment must scrape a real cluster');
    const informers = kubeResources.flatMap((r) => {
      const { group, resource } = groupAndResource(resourceDefinitions[r].path);
      return [`${group}/${resource} list`, `${group}/${resource} watch`];
    });
    // GET of the endpoint's path, which the kubelet authorizes as a subresource of nodes.
    const kubelet = `/nodes/${kubeletSubresource(kubeletEndpoints[config.source.kube.endpoint].path)} get`;
    // --delegated_auth: authentication and authorization of API callers, asked of the API server.
    expect(config.security.delegatedAuth).toBe(true);
    const reviews = ['authentication.k8s.io/tokenreviews create', 'authorization.k8s.io/subjectaccessreviews create'];
    const needed = [...informers, kubelet, ...reviews].sort();
    expect(grants(clusterRole.rules ?? []).sort()).toEqual(needed);
  });

  it('grant no wildcard, no URL, no named-object shortcut and no write verb beyond creating the reviews', () => {
    for (const rule of clusterRole.rules ?? []) {
      for (const value of [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs]) expect(value).not.toContain('*');
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.resourceNames).toBeUndefined();
    }
    const writes = grants(clusterRole.rules ?? []).filter((g) => !/ (get|list|watch)$/.test(g));
    expect(writes.sort()).toEqual(['authentication.k8s.io/tokenreviews create', 'authorization.k8s.io/subjectaccessreviews create']);
    expect(clusterRole.aggregationRule).toBeUndefined();
  });

  it('bind the ClusterRole to the ServiceAccount the Deployment runs as', () => {
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata!.name });
    // No namespace: kustomize fills in the kustomization's (or an overlay's).
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata!.name }]);
    expect(pod.serviceAccountName).toBe(serviceAccount.metadata!.name);
    expect(pod.automountServiceAccountToken).not.toBe(false);
  });

  it("run arguments that Heapgraph's own flag parser accepts, scraping kubelets over HTTPS with the service account", () => {
    expect(container.command).toBeUndefined();
    const config = deployedConfig();
    if (config.source.kind !== 'kubernetes') throw new Error('the Deployment must scrape a real cluster');
    expect(config.source.kube).toMatchObject({ inClusterConfig: true, useServiceAccount: true, kubeletHttps: true, kubeletPort: 10250 });
    expect(deployment.spec!.replicas).toBe(1);
  });

  it('give shutdown the time it may take: the cycle deadline, the sink flush timeout and the WebSocket close grace', () => {
    const config = deployedConfig();
    // heapgraph.ts: the scrape deadline is min(20 s, resolution); sinks get --sink_export_data_timeout;
    // subscriptions/server.ts waits 1 s for close handshakes. Processing comes on top of these.
    const boundsMs = Math.min(20_000, config.resolutionMs) + config.exportTimeoutMs + 1_000;
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(boundsMs);
  });

  it('probe /healthz on the API port, which the Service exposes as port 80', () => {
    const config = deployedConfig();
    const port = container.ports!.find((p) => p.name === 'http')!;
    expect(port.containerPort).toBe(config.port);
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet?.path).toBe('/healthz');
      expect(probe?.httpGet?.port).toBe(port.name);
    }
    expect(service.spec!.ports).toEqual([{ name: 'http', port: 80, targetPort: port.name, protocol: 'TCP' }]);
    const labels = deployment.spec!.template.metadata!.labels!;
    for (const selector of [service.spec!.selector!, deployment.spec!.selector.matchLabels!]) {
      for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
    }
  });

  it("run the image of this version as a non-root user with a read-only root filesystem and no capabilities", () => {
    const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
    expect(container.image).toBe(`heapgraph:${version}`);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('reserve memory and CPU, cap memory at the request and keep the V8 heap below that cap', () => {
    const { requests, limits } = container.resources!;
    expect(requests?.cpu).toMatch(/^\d+m$/);
    expect(limits?.cpu).toBeUndefined();
    expect(limits?.memory).toBe(requests?.memory);
    const memoryMiB = Number(/^(\d+)Mi$/.exec(limits?.memory ?? '')?.[1]);
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '')?.[1]);
    // Room above the heap for code, buffers outside it (sockets, typed arrays) and the GC's work.
    expect(heapMiB / memoryMiB).toBeGreaterThanOrEqual(0.6);
    expect(heapMiB / memoryMiB).toBeLessThanOrEqual(0.75);
  });
});
