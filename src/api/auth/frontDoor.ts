/**
 * The front door as the composition root builds it from the security flags: the HTTPS
 * credentials, and the {@link AccessControl} when client certificates or delegated auth are on
 * (absent otherwise: everyone sees everything, Heapster's default).
 *
 * @module
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../core/log.js';
import { createAccessControl } from './accessControl.js';
import { createCachingReviewer } from './reviewCache.js';
import { createKubeReviewer } from './reviewer.js';
import { loadTlsMaterial, type TlsFiles, type TlsMaterial } from './tls.js';
import type { AccessControl } from './types.js';

/** Options of {@link createFrontDoor}: the security flags plus what delegated auth asks. */
export interface FrontDoorOptions {
  /** `--tls_cert`, `--tls_key`, `--tls_client_ca`; absent = plain HTTP. */
  tls?: TlsFiles;
  /** `--allowed_users`; empty = any verified client certificate. */
  allowedUsers: readonly string[];
  /** `--delegated_auth`. */
  delegatedAuth: boolean;
  /** `--auth_cache_ttl`, ms. */
  authCacheTtlMs: number;
  /** The API server that reviews tokens (the one the informers watch). */
  kubeConfig: KubeConfig;
  /** Namespace names that exist now (the informer cache). */
  namespaces: () => readonly string[];
  logger?: Logger;
}

/** What the HTTP server and the surfaces are given. */
export interface FrontDoor {
  tls?: TlsMaterial;
  access?: AccessControl;
  /** 401s challenge for a bearer token. */
  bearerChallenge: boolean;
}

/** Reads the TLS files and builds the access control the flags ask for. */
export function createFrontDoor({ tls: files, allowedUsers, delegatedAuth, authCacheTtlMs, kubeConfig, namespaces, logger }: FrontDoorOptions): FrontDoor {
  const tls = files ? loadTlsMaterial(files) : undefined;
  const clientCertificates = tls?.clientCa ? { allowedUsers } : undefined;
  const delegated = delegatedAuth
    ? { reviewer: createCachingReviewer(createKubeReviewer({ kubeConfig }), { ttlMs: authCacheTtlMs }), namespaces }
    : undefined;
  const access = clientCertificates || delegated
    ? createAccessControl({ ...(clientCertificates ? { clientCertificates } : {}), ...(delegated ? { delegated } : {}), ...(logger ? { logger } : {}) })
    : undefined;
  return { ...(tls ? { tls } : {}), ...(access ? { access } : {}), bearerChallenge: delegatedAuth };
}
