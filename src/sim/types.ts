/**
 * Seams inside the simulated cluster: the cluster model writes Kubernetes objects into a
 * {@link SimObjectStore}; the fake API server serves that store over the real list/watch
 * protocol; the fake kubelets serve stats for the same model.
 *
 * @module
 */

/** Resources the fake API server serves (plural, lower-case, as in URLs). */
export type SimResource =
  | 'nodes'
  | 'namespaces'
  | 'pods'
  | 'replicasets'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs';

/** A Kubernetes object as JSON (apiVersion, kind, metadata, spec, status). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A watch event as the API server streams it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/**
 * The object store behind the fake API server. Every change gets the next global
 * resourceVersion (as etcd does) and is delivered to open watches of that resource.
 */
export interface SimObjectStore {
  /** Adds or replaces an object; fills uid/creationTimestamp if absent; returns the stored copy. */
  upsert(resource: SimResource, object: KubeObject): KubeObject;
  /** Deletes an object; returns false when it did not exist. */
  remove(resource: SimResource, namespace: string | undefined, name: string): boolean;
  /** Current objects of a resource (all namespaces when `namespace` is undefined). */
  list(resource: SimResource, namespace?: string): KubeObject[];
  /** One object, or undefined. */
  get(resource: SimResource, namespace: string | undefined, name: string): KubeObject | undefined;
  /** The newest resourceVersion issued. */
  readonly resourceVersion: number;
  /** Subscribes to changes; returns an unsubscribe function. */
  onChange(listener: (resource: SimResource, event: WatchEvent, resourceVersion: number) => void): () => void;
}
