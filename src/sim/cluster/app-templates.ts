/**
 * Application workloads, drawn by weight: as in real clusters some containers set requests and
 * limits, some requests only, some nothing; some pods carry a sidecar.
 *
 * @module
 */
import { container, KiB, MiB, type WorkloadTemplate } from './catalogue.js';

const logShipper = container({
  name: 'log-shipper',
  image: 'fluent/fluent-bit:2.0.8',
  resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } },
  cpuCores: [0.002, 0.01],
  workingSetBytes: [12 * MiB, 30 * MiB],
  rootfsBytes: [32 * KiB, 128 * KiB],
  logsBytes: [4 * KiB, 64 * KiB],
});

/** Application workloads, drawn by weight until every node has `podsPerNode` pods. */
export const appWorkloadTemplates: readonly WorkloadTemplate[] = [
  {
    kind: 'Deployment',
    baseName: 'web',
    serviceAccountName: 'default',
    replicas: [2, 8],
    weight: 30,
    volumes: [{ name: 'cache', source: 'emptyDir', usedBytes: [4 * KiB, 2 * MiB] }],
    containers: [
      container({
        name: 'nginx',
        image: 'docker.io/library/nginx:1.23.3',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        cpuCores: [0.005, 0.08],
        workingSetBytes: [8 * MiB, 60 * MiB],
        rootfsBytes: [64 * KiB, 1 * MiB],
        logsBytes: [64 * KiB, 8 * MiB],
      }),
      logShipper,
    ],
  },
  {
    kind: 'Deployment',
    baseName: 'api',
    serviceAccountName: 'default',
    replicas: [1, 6],
    weight: 30,
    volumes: [{ name: 'config', source: 'configMap', usedBytes: [8 * KiB, 16 * KiB] }],
    containers: [
      container({
        name: 'api',
        image: 'ghcr.io/sim/api:1.4.2',
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        cpuCores: [0.02, 0.3],
        workingSetBytes: [60 * MiB, 280 * MiB],
        rootfsBytes: [32 * KiB, 512 * KiB],
        logsBytes: [128 * KiB, 16 * MiB],
      }),
    ],
  },
  {
    kind: 'Deployment',
    baseName: 'worker',
    serviceAccountName: 'default',
    replicas: [1, 4],
    weight: 15,
    volumes: [],
    containers: [
      container({
        name: 'worker',
        image: 'docker.io/library/python:3.11-slim',
        imagePullPolicy: 'Always',
        resources: {},
        cpuCores: [0.01, 0.2],
        workingSetBytes: [30 * MiB, 200 * MiB],
        rootfsBytes: [128 * KiB, 4 * MiB],
        logsBytes: [32 * KiB, 4 * MiB],
      }),
    ],
  },
  {
    kind: 'StatefulSet',
    baseName: 'cache',
    serviceAccountName: 'default',
    replicas: [1, 3],
    weight: 8,
    volumes: [{ name: 'data', source: 'emptyDir', usedBytes: [1 * MiB, 64 * MiB] }],
    containers: [
      container({
        name: 'redis',
        image: 'docker.io/library/redis:7.0.7',
        resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
        ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
        cpuCores: [0.005, 0.05],
        workingSetBytes: [20 * MiB, 140 * MiB],
        rootfsBytes: [16 * KiB, 64 * KiB],
        logsBytes: [8 * KiB, 256 * KiB],
      }),
      container({
        name: 'redis-exporter',
        image: 'docker.io/oliver006/redis_exporter:v1.45.0',
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '32Mi' } },
        ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
        cpuCores: [0.0005, 0.003],
        workingSetBytes: [6 * MiB, 12 * MiB],
        rootfsBytes: [16 * KiB, 32 * KiB],
        logsBytes: [4 * KiB, 16 * KiB],
      }),
    ],
  },
  {
    kind: 'StatefulSet',
    baseName: 'db',
    serviceAccountName: 'default',
    replicas: [1, 3],
    weight: 6,
    volumes: [{ name: 'an-empty-dir', source: 'emptyDir', usedBytes: [4 * KiB, 32 * MiB] }],
    containers: [
      container({
        name: 'postgres',
        image: 'docker.io/library/postgres:15.1',
        resources: { requests: { cpu: '500m', memory: '1Gi' } },
        ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
        cpuCores: [0.01, 0.25],
        workingSetBytes: [80 * MiB, 600 * MiB],
        rootfsBytes: [64 * KiB, 2 * MiB],
        logsBytes: [64 * KiB, 8 * MiB],
      }),
    ],
  },
  {
    kind: 'Job',
    baseName: 'migrate',
    serviceAccountName: 'default',
    replicas: [1, 2],
    weight: 4,
    volumes: [],
    containers: [
      container({
        name: 'migrate',
        image: 'ghcr.io/sim/migrate:0.9.0',
        resources: { requests: { cpu: '50m', memory: '64Mi' } },
        cpuCores: [0.01, 0.1],
        workingSetBytes: [10 * MiB, 40 * MiB],
        rootfsBytes: [16 * KiB, 256 * KiB],
        logsBytes: [4 * KiB, 512 * KiB],
      }),
    ],
  },
  {
    kind: 'CronJob',
    baseName: 'report',
    serviceAccountName: 'default',
    replicas: [1, 3],
    weight: 7,
    volumes: [{ name: 'scratch', source: 'emptyDir', usedBytes: [4 * KiB, 8 * MiB] }],
    containers: [
      container({
        name: 'report',
        image: 'docker.io/library/busybox:1.36',
        imagePullPolicy: 'Always',
        resources: { requests: { cpu: '50m' } },
        cpuCores: [0.001, 0.05],
        workingSetBytes: [1 * MiB, 8 * MiB],
        rootfsBytes: [8 * KiB, 64 * KiB],
        logsBytes: [4 * KiB, 64 * KiB],
      }),
    ],
  },
];
