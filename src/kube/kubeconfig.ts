/**
 * Turns a parsed source URI into a client-node `KubeConfig`, following Heapster's
 * `GetKubeClientConfig` (`common/kubernetes/configs.go`): in-cluster service account,
 * an explicit kubeconfig file, or an unauthenticated client pointing at the URL.
 *
 * @module
 */
import { readFileSync, existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';
import type { KubeSourceConfig } from './config.js';
import { KubeConfigError } from './errors.js';

/** Where Kubernetes mounts a pod's service-account token and CA. */
export const defaultServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options for {@link buildKubeConfig}; the defaults describe a real pod. */
export interface BuildKubeConfigOptions {
  /** Source of `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory holding `token` and `ca.crt`. @default '/var/run/secrets/kubernetes.io/serviceaccount' */
  serviceAccountDir?: string;
}

const masterUrlMessage = 'invalid kubernetes master url specified';

/**
 * Builds the API-client configuration for `config`.
 *
 * - `inClusterConfig=true`: server from `KUBERNETES_SERVICE_HOST:PORT` (or the URI's URL),
 *   token file and CA from the service-account directory; `insecure` drops the CA.
 * - `inClusterConfig=false` with `auth`: that kubeconfig's current context; the URI's URL and
 *   `insecure` are applied on top (Heapster ignored both there).
 * - `inClusterConfig=false` without `auth`: no credentials, server = the URI's URL.
 * - `useServiceAccount=true`: the token file, when readable, becomes the bearer token.
 *
 * Plain `http://` servers get `skipTLSVerify`, because client-node refuses http otherwise.
 *
 * @throws KubeConfigError `invalid_master_url` when no server is known (Heapster's message),
 *   `in_cluster` when the pod environment is missing, `kubeconfig` when `auth` cannot be loaded.
 */
export function buildKubeConfig(
  config: KubeSourceConfig,
  { env = process.env, serviceAccountDir = defaultServiceAccountDir }: BuildKubeConfigOptions = {},
): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  if (config.inClusterConfig) {
    const { cluster, user } = inClusterClusterAndUser(config, env, serviceAccountDir);
    kubeConfig.loadFromClusterAndUser(cluster, user);
  } else if (config.authFile !== undefined) {
    loadKubeconfigFile(kubeConfig, config);
  } else {
    if (config.apiServerUrl === undefined) throw new KubeConfigError('invalid_master_url', masterUrlMessage);
    kubeConfig.loadFromClusterAndUser(
      { name: 'heapgraph', server: config.apiServerUrl, skipTLSVerify: skipTlsVerify(config.apiServerUrl, config.insecure) },
      { name: 'anonymous' },
    );
  }

  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  if (server === '') throw new KubeConfigError('invalid_master_url', masterUrlMessage);

  if (config.useServiceAccount) {
    // As in Heapster, an unreadable token file is not an error: the option just has no effect.
    const token = readTokenIfPresent(join(serviceAccountDir, 'token'));
    if (token !== undefined) withCurrentUser(kubeConfig, (user) => ({ ...user, token }));
  }
  return kubeConfig;
}

function inClusterClusterAndUser(
  config: KubeSourceConfig,
  env: Readonly<Record<string, string | undefined>>,
  serviceAccountDir: string,
): { cluster: Cluster; user: User } {
  let server = config.apiServerUrl;
  if (server === undefined) {
    const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
    const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
    if (host === '' || port === '') {
      throw new KubeConfigError(
        'in_cluster',
        'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined (or give the API server URL in the source URI)',
        { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port },
      );
    }
    server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  }
  const tokenFile = join(serviceAccountDir, 'token');
  if (!existsSync(tokenFile)) {
    throw new KubeConfigError('in_cluster', `unable to load in-cluster configuration: service account token ${tokenFile} does not exist`, { path: tokenFile });
  }
  const caFile = join(serviceAccountDir, 'ca.crt');
  const useCa = !config.insecure && existsSync(caFile);
  return {
    cluster: { name: 'in-cluster', server, skipTLSVerify: skipTlsVerify(server, config.insecure), ...(useCa ? { caFile } : {}) },
    // The tokenFile provider re-reads the file every minute, so rotated projected tokens are picked up.
    user: { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } },
  };
}

function loadKubeconfigFile(kubeConfig: k8s.KubeConfig, config: KubeSourceConfig): void {
  const path = config.authFile ?? '';
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    throw new KubeConfigError('kubeconfig', `cannot load kubeconfig "${path}" (source option auth): ${(error as Error).message}`, { option: 'auth', path });
  }
  const current = kubeConfig.getCurrentCluster();
  if (current === null) throw new KubeConfigError('invalid_master_url', masterUrlMessage, { path });
  const server = config.apiServerUrl ?? current.server;
  const replaced: Cluster = { ...current, server, skipTLSVerify: current.skipTLSVerify || skipTlsVerify(server, config.insecure) };
  kubeConfig.clusters = kubeConfig.clusters.map((cluster) => (cluster.name === current.name ? replaced : cluster));
}

function skipTlsVerify(server: string, insecure: boolean): boolean {
  return insecure || server.startsWith('http:');
}

function readTokenIfPresent(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

function withCurrentUser(kubeConfig: k8s.KubeConfig, change: (user: User) => User): void {
  const current = kubeConfig.getCurrentUser();
  if (current === null) return;
  kubeConfig.users = kubeConfig.users.map((user) => (user.name === current.name ? change(user) : user));
}
