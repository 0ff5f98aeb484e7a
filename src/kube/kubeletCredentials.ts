/**
 * What the kubelet client takes from the API-server client configuration (heapster-reference
 * §3: the kubelet client copies the API config's CA, client certificate and bearer token).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';

/** TLS and token settings for kubelet requests. */
export interface KubeletCredentials {
  /** True without a CA to verify kubelets with (Heapster's rule) or with `insecure=true`. */
  insecureSkipVerify: boolean;
  caPem?: Buffer;
  certPem?: Buffer;
  keyPem?: Buffer;
  /** Read per request: the in-cluster token file is rotated by the kubelet. */
  bearerToken?: () => string | undefined;
}

function pem(data: string | undefined, file: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(file);
  return undefined;
}

/** How long a token read from a file is reused before the file is read again. */
const tokenFileCacheMs = 60_000;

function tokenSource(kubeConfig: KubeConfig): (() => string | undefined) | undefined {
  const user = kubeConfig.getCurrentUser();
  if (user?.token) {
    const token = user.token;
    return () => token;
  }
  const tokenFile = user?.authProvider?.name === 'tokenFile' ? (user.authProvider.config as { tokenFile?: string } | undefined)?.tokenFile : undefined;
  if (!tokenFile) return undefined;
  let cached: { token: string | undefined; readMs: number } | undefined;
  return () => {
    const now = Date.now();
    if (cached === undefined || now - cached.readMs >= tokenFileCacheMs) {
      let token: string | undefined;
      try {
        token = readFileSync(tokenFile, 'utf8').trim() || undefined;
      } catch {
        // Keep the last good token: the file is replaced atomically, a failed read is transient.
        token = cached?.token;
      }
      cached = { token, readMs: now };
    }
    return cached.token;
  };
}

/** The kubelet client settings for `kubeConfig`; `insecure` is the source URI's option. */
export function kubeletCredentials(kubeConfig: KubeConfig, insecure: boolean): KubeletCredentials {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  const caPem = insecure ? undefined : pem(cluster?.caData, cluster?.caFile);
  const certPem = pem(user?.certData, user?.certFile);
  const keyPem = pem(user?.keyData, user?.keyFile);
  const bearerToken = tokenSource(kubeConfig);
  return {
    insecureSkipVerify: insecure || caPem === undefined,
    ...(caPem ? { caPem } : {}),
    ...(certPem && keyPem ? { certPem, keyPem } : {}),
    ...(bearerToken ? { bearerToken } : {}),
  };
}
