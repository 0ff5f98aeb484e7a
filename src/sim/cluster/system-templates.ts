/**
 * kube-system and monitoring workloads: DaemonSets on every node (kube-proxy, kindnet,
 * node-exporter) and the cluster add-on Deployments (coredns, metrics-server), with the
 * resources of the 1.26 capture (`kube-api/podlist-k8s1.26-minikube-nri.json`).
 *
 * @module
 */
import { container, KiB, MiB, type WorkloadTemplate } from './catalogue.js';

/** DaemonSets, one pod per node, in the order they are added as `podsPerNode` allows. */
export const daemonSetTemplates: readonly WorkloadTemplate[] = [
  {
    kind: 'DaemonSet',
    baseName: 'kube-proxy',
    labels: { 'k8s-app': 'kube-proxy' },
    serviceAccountName: 'kube-proxy',
    priorityClassName: 'system-node-critical',
    replicas: [1, 1],
    weight: 0,
    volumes: [{ name: 'kube-proxy', source: 'configMap', usedBytes: [16 * KiB, 16 * KiB] }],
    containers: [
      container({
        name: 'kube-proxy',
        image: 'registry.k8s.io/kube-proxy:v1.26.0',
        resources: {},
        cpuCores: [0.001, 0.004],
        workingSetBytes: [12 * MiB, 20 * MiB],
        rootfsBytes: [32 * KiB, 64 * KiB],
        logsBytes: [16 * KiB, 48 * KiB],
      }),
    ],
  },
  {
    kind: 'DaemonSet',
    baseName: 'kindnet',
    labels: { 'k8s-app': 'kindnet', tier: 'node' },
    serviceAccountName: 'kindnet',
    replicas: [1, 1],
    weight: 0,
    volumes: [],
    containers: [
      container({
        name: 'kindnet-cni',
        image: 'docker.io/kindest/kindnetd:v20221004-44d545d1',
        resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } },
        cpuCores: [0.0005, 0.002],
        workingSetBytes: [6 * MiB, 10 * MiB],
        rootfsBytes: [32 * KiB, 64 * KiB],
        logsBytes: [8 * KiB, 32 * KiB],
      }),
    ],
  },
  {
    kind: 'DaemonSet',
    baseName: 'node-exporter',
    labels: { 'app.kubernetes.io/name': 'node-exporter' },
    serviceAccountName: 'node-exporter',
    replicas: [1, 1],
    weight: 0,
    volumes: [],
    containers: [
      container({
        name: 'node-exporter',
        image: 'quay.io/prometheus/node-exporter:v1.5.0',
        resources: { requests: { cpu: '10m', memory: '24Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
        cpuCores: [0.001, 0.005],
        workingSetBytes: [10 * MiB, 18 * MiB],
        rootfsBytes: [16 * KiB, 32 * KiB],
        logsBytes: [4 * KiB, 16 * KiB],
      }),
    ],
  },
];

/** Namespace of each DaemonSet template, by base name. */
export const daemonSetNamespaces: Readonly<Record<string, string>> = {
  'kube-proxy': 'kube-system',
  kindnet: 'kube-system',
  'node-exporter': 'monitoring',
};

/** kube-system Deployments, placed before the application workloads. */
export const systemDeploymentTemplates: readonly WorkloadTemplate[] = [
  {
    kind: 'Deployment',
    baseName: 'coredns',
    labels: { 'k8s-app': 'kube-dns' },
    serviceAccountName: 'coredns',
    priorityClassName: 'system-cluster-critical',
    replicas: [2, 2],
    weight: 0,
    volumes: [{ name: 'config-volume', source: 'configMap', usedBytes: [12 * KiB, 12 * KiB] }],
    containers: [
      container({
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.9.3',
        resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
        ],
        cpuCores: [0.002, 0.006],
        workingSetBytes: [11 * MiB, 16 * MiB],
        rootfsBytes: [16 * KiB, 32 * KiB],
        logsBytes: [8 * KiB, 32 * KiB],
      }),
    ],
  },
  {
    kind: 'Deployment',
    baseName: 'metrics-server',
    labels: { 'k8s-app': 'metrics-server' },
    serviceAccountName: 'metrics-server',
    priorityClassName: 'system-cluster-critical',
    replicas: [1, 1],
    weight: 0,
    volumes: [{ name: 'tmp-dir', source: 'emptyDir', usedBytes: [4 * KiB, 16 * KiB] }],
    containers: [
      container({
        name: 'metrics-server',
        image: 'registry.k8s.io/metrics-server/metrics-server:v0.6.2',
        resources: { requests: { cpu: '100m', memory: '200Mi' } },
        ports: [{ name: 'https', containerPort: 4443, protocol: 'TCP' }],
        cpuCores: [0.003, 0.008],
        workingSetBytes: [13 * MiB, 20 * MiB],
        rootfsBytes: [16 * KiB, 32 * KiB],
        logsBytes: [8 * KiB, 32 * KiB],
      }),
    ],
  },
];
