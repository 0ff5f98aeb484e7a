/**
 * The kube folder's closed error vocabulary. Callers branch on `code`, never on message text.
 *
 * @module
 */
import { CodedError } from '../core/errors.js';

/** Why a source URI or the API-client configuration built from it was rejected. */
export type KubeConfigErrorCode =
  | 'invalid_uri' // not `<kind>:<url>[?options]`
  | 'unknown_kind' // kind is neither `kubernetes` nor `kubernetes.summary_api`
  | 'invalid_url' // the URL part is neither empty nor an absolute http(s) URL
  | 'unknown_option' // an option Heapgraph does not know
  | 'duplicate_option' // the same option given twice
  | 'invalid_option' // a known option with a value of the wrong shape
  | 'invalid_master_url' // no API-server host could be determined
  | 'in_cluster' // in-cluster config requested but the pod environment is missing
  | 'kubeconfig'; // the `auth` kubeconfig file could not be read or parsed

/** A source URI or API-client configuration problem; a start-up failure. */
export class KubeConfigError extends CodedError<KubeConfigErrorCode> {
  override readonly name = 'KubeConfigError';
}

/** Why a node is not scraped this cycle. */
export type NodeErrorCode =
  | 'not_ready' // the Ready condition exists with status other than True
  | 'no_address' // no InternalIP/ExternalIP that parses as an IP
  | 'no_kubelet_port'; // kubeletPort=node but status.daemonEndpoints.kubeletEndpoint.Port is unset

/** One node that cannot become a scrape target, with the reason. */
export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    readonly nodeName: string,
  ) {
    super(message);
  }
}

/** Why the informer set failed as a whole. */
export type InformerErrorCode =
  | 'stopped_before_sync' // stop() was called while start() still waited for the first sync
  | 'already_stopped' // start() called after stop()
  | 'invalid_option'; // an informer or backoff option out of range

/** A lifecycle failure of the informer set (individual API errors are retried, never thrown). */
export class InformerError extends CodedError<InformerErrorCode> {
  override readonly name = 'InformerError';
}
