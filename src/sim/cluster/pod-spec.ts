/**
 * Pieces shared by Pod objects and the pod templates of their controllers: container and
 * volume specs, owner references, image ids.
 *
 * @module
 */
import { createRandom, hashString, randomHex } from '../random.js';
import type { ContainerTemplate, WorkloadTemplate } from './catalogue.js';

/** A pod's owner reference as the controllers write it. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

/** The single controller reference of an owned object. */
export function ownerReference(owner: { apiVersion: string; kind: string; name: string; uid: string }): OwnerReference[] {
  return [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }];
}

/** A container of a pod spec or pod template. */
export function containerSpec(template: ContainerTemplate, tokenVolume: string | undefined, volumes: WorkloadTemplate['volumes']) {
  const volumeMounts = volumes.map((volume) => ({ mountPath: `/mnt/${volume.name}`, name: volume.name }));
  if (tokenVolume) {
    volumeMounts.push({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: tokenVolume, readOnly: true } as (typeof volumeMounts)[number]);
  }
  return {
    image: template.image,
    imagePullPolicy: template.imagePullPolicy,
    name: template.name,
    ...(template.ports ? { ports: template.ports.map((port) => ({ ...port })) } : {}),
    resources: {
      ...(template.resources.limits ? { limits: { ...template.resources.limits } } : {}),
      ...(template.resources.requests ? { requests: { ...template.resources.requests } } : {}),
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts,
  };
}

/** A volume of a pod spec or pod template. */
export function volumeSpec(volume: WorkloadTemplate['volumes'][number]) {
  switch (volume.source) {
    case 'emptyDir':
      return { emptyDir: {}, name: volume.name };
    case 'configMap':
      return { configMap: { defaultMode: 420, name: volume.name }, name: volume.name };
    case 'secret':
      return { name: volume.name, secret: { defaultMode: 420, secretName: volume.name } };
  }
}

/** The projected service-account token volume every pod gets. */
export function tokenVolumeSpec(name: string) {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  };
}

/** The tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
export function defaultTolerations() {
  return [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
}

const imageIds = new Map<string, string>();

/** The image digest a runtime reports for an image (derived from its name). */
export function imageId(image: string): string {
  let id = imageIds.get(image);
  if (!id) {
    id = `sha256:${randomHex(createRandom(hashString(image)), 64)}`;
    imageIds.set(image, id);
  }
  return id;
}

/** Controllers of run-to-completion pods restart on failure only. */
export function restartPolicy(kind: WorkloadTemplate['kind']): string {
  return kind === 'Job' || kind === 'CronJob' ? 'OnFailure' : 'Always';
}
