/**
 * The two questions delegated auth asks the API server, as metrics-server asks them: who holds
 * this bearer token (TokenReview) and may they do this (SubjectAccessReview). Any failure to get
 * an answer is an {@link AuthError} `review_failed`, which the front door turns into a 500 —
 * never into an allow.
 *
 * @module
 */
import * as k8s from '@kubernetes/client-node';
import { abortableRequestOptions, statusMessage } from '../../kube/resources.js';
import { AuthError } from './errors.js';

/** The user a token belongs to, as SubjectAccessReview wants it back. */
export interface ReviewSubject {
  readonly user: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** TokenReview's verdict. */
export type TokenReviewAnswer =
  | { readonly authenticated: true; readonly subject: ReviewSubject }
  /** `reason`: the API server's `status.error`, or a fixed text when it gave none. */
  | { readonly authenticated: false; readonly reason: string };

/** What a SubjectAccessReview asks about. */
export type AccessAttributes =
  /** `namespace` absent or `""`: every namespace (or a cluster-scoped resource). */
  | { readonly kind: 'resource'; readonly verb: string; readonly group: string; readonly resource: string; readonly namespace?: string }
  | { readonly kind: 'nonResource'; readonly verb: string; readonly path: string };

/** Asks the API server. Both methods reject with {@link AuthError} `review_failed`. */
export interface AccessReviewer {
  reviewToken(token: string): Promise<TokenReviewAnswer>;
  /** True when `status.allowed` (and not `status.denied`). */
  reviewAccess(subject: ReviewSubject, attributes: AccessAttributes): Promise<boolean>;
}

/** Options of {@link createKubeReviewer}. */
export interface KubeReviewerOptions {
  /** The API server Heapgraph already talks to (its credentials need `create` on both review kinds). */
  kubeConfig: k8s.KubeConfig;
  /** Longest one review may take before it counts as failed. @default 10000 */
  timeoutMs?: number;
}

/** Why a review request failed, in words safe for a log line and a 500 body (no token, no headers). */
function failure(kind: string, error: unknown): AuthError {
  let reason: string;
  if (error instanceof k8s.ApiException) {
    const status = statusMessage(error.body);
    reason = `HTTP ${error.code}${status === undefined ? '' : `: ${status}`}`;
  } else if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    reason = 'timed out';
  } else {
    reason = error instanceof Error ? error.message : String(error);
  }
  return new AuthError('review_failed', `${kind} failed: ${reason}`, { review: kind }, { cause: error });
}

/** The resource or non-resource attributes of a SubjectAccessReview spec. */
function attributesSpec(attributes: AccessAttributes): Pick<k8s.V1SubjectAccessReviewSpec, 'resourceAttributes' | 'nonResourceAttributes'> {
  if (attributes.kind === 'nonResource') return { nonResourceAttributes: { path: attributes.path, verb: attributes.verb } };
  const { verb, group, resource, namespace = '' } = attributes;
  return { resourceAttributes: { verb, group, resource, namespace } };
}

/** A reviewer that asks the API server of `kubeConfig` (no caching; see `createCachingReviewer`). */
export function createKubeReviewer({ kubeConfig, timeoutMs = 10_000 }: KubeReviewerOptions): AccessReviewer {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new AuthError('invalid_option', `timeoutMs must be a positive number, received ${JSON.stringify(timeoutMs)}`, { option: 'timeoutMs' });
  }
  const authentication = kubeConfig.makeApiClient(k8s.AuthenticationV1Api);
  const authorization = kubeConfig.makeApiClient(k8s.AuthorizationV1Api);
  return {
    async reviewToken(token) {
      let review: k8s.V1TokenReview;
      try {
        review = await authentication.createTokenReview(
          { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } },
          abortableRequestOptions(AbortSignal.timeout(timeoutMs)),
        );
      } catch (error) {
        throw failure('TokenReview', error);
      }
      const status = review.status;
      const user = status?.user;
      if (status?.authenticated !== true) return { authenticated: false, reason: status?.error || 'token not authenticated' };
      if (!user?.username) throw new AuthError('review_failed', 'TokenReview failed: authenticated without a username', { review: 'TokenReview' });
      return {
        authenticated: true,
        subject: { user: user.username, groups: user.groups ?? [], ...(user.uid ? { uid: user.uid } : {}), ...(user.extra ? { extra: user.extra } : {}) },
      };
    },
    async reviewAccess(subject, attributes) {
      let review: k8s.V1SubjectAccessReview;
      try {
        review = await authorization.createSubjectAccessReview(
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SubjectAccessReview',
              spec: {
                user: subject.user,
                groups: [...subject.groups],
                ...(subject.uid ? { uid: subject.uid } : {}),
                ...(subject.extra ? { extra: Object.fromEntries(Object.entries(subject.extra).map(([k, v]) => [k, [...v]])) } : {}),
                ...attributesSpec(attributes),
              },
            },
          },
          abortableRequestOptions(AbortSignal.timeout(timeoutMs)),
        );
      } catch (error) {
        throw failure('SubjectAccessReview', error);
      }
      if (typeof review.status?.allowed !== 'boolean') {
        throw new AuthError('review_failed', 'SubjectAccessReview failed: the answer has no status.allowed', { review: 'SubjectAccessReview' });
      }
      return review.status.allowed && review.status.denied !== true;
    },
  };
}
