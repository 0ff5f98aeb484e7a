import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKubeConfig, parseKubeSourceUri, type KubeSourceConfig } from '../../src/kube/config.js';
import { KubeConfigError } from '../../src/kube/errors.js';

const defaults: KubeSourceConfig = {
  kind: 'kubernetes',
  apiServerUrl: undefined,
  inClusterConfig: true,
  insecure: false,
  authFile: undefined,
  useServiceAccount: false,
  kubeletPort: 10255,
  kubeletHttps: false,
  hostIdAnnotation: undefined,
  endpoint: 'summary',
};

describe('parseKubeSourceUri', () => {
  it.each<[string, string, Partial<KubeSourceConfig>]>([
    ['an empty URL gives every default', 'kubernetes:', {}],
    ["the summary kind with Heapster's quoted empty URL", "kubernetes.summary_api:''", { kind: 'kubernetes.summary_api' }],
    ['a double-quoted empty URL with options', 'kubernetes:""?kubeletPort=4194', { kubeletPort: 4194 }],
    ['the URL host overrides the API server', 'kubernetes:https://kubernetes.default', { apiServerUrl: 'https://kubernetes.default' }],
    ['only scheme, host and port of the URL are kept', 'kubernetes:http://10.0.0.1:8080/api/v1?', { apiServerUrl: 'http://10.0.0.1:8080' }],
    ['an IPv6 API server keeps its brackets', 'kubernetes:https://[fd00::1]:6443', { apiServerUrl: 'https://[fd00::1]:6443' }],
    ['inClusterConfig=false', 'kubernetes:?inClusterConfig=false', { inClusterConfig: false }],
    ['insecure=true', 'kubernetes:?insecure=true', { insecure: true }],
    ['auth names a kubeconfig file', 'kubernetes:?auth=/etc/kubernetes/kubeconfig', { authFile: '/etc/kubernetes/kubeconfig' }],
    ['an empty auth means none', 'kubernetes:?auth=', {}],
    ['useServiceAccount accepts Go boolean spellings', 'kubernetes:?useServiceAccount=1', { useServiceAccount: true }],
    ['kubeletPort=10250', 'kubernetes:?kubeletPort=10250', { kubeletPort: 10250 }],
    ['kubeletPort=node', 'kubernetes:?kubeletPort=node', { kubeletPort: 'node' }],
    ['kubeletHttps=T', 'kubernetes:?kubeletHttps=T', { kubeletHttps: true }],
    ['host_id_annotation', 'kubernetes:?host_id_annotation=example.com/host-id', { hostIdAnnotation: 'example.com/host-id' }],
    ['endpoint=resource', 'kubernetes:?endpoint=resource', { endpoint: 'resource' }],
    ['endpoint=summary', 'kubernetes:?endpoint=summary', {}],
    ["release-1.2's apiVersion=v1 is accepted and ignored", 'kubernetes:?apiVersion=v1', {}],
  ])('parses %s', (_name, uri, change) => {
    expect(parseKubeSourceUri(uri, {})).toEqual({ ...defaults, ...change });
  });

  it('expands $VAR and ${VAR} from the environment, unset ones to nothing', () => {
    const env = { MASTER: '10.1.2.3', PORT: '6443', AUTH: '/root/.kube/config' };
    const config = parseKubeSourceUri('kubernetes:https://${MASTER}:$PORT?inClusterConfig=false&auth=$AUTH&host_id_annotation=$UNSET', env);
    expect(config).toEqual({ ...defaults, apiServerUrl: 'https://10.1.2.3:6443', inClusterConfig: false, authFile: '/root/.kube/config' });
  });

  it('combines several options', () => {
    const config = parseKubeSourceUri('kubernetes.summary_api:https://k8s:443?inClusterConfig=false&insecure=true&kubeletPort=10250&kubeletHttps=true', {});
    expect(config).toEqual({
      ...defaults,
      kind: 'kubernetes.summary_api',
      apiServerUrl: 'https://k8s:443',
      inClusterConfig: false,
      insecure: true,
      kubeletPort: 10250,
      kubeletHttps: true,
    });
  });

  it.each<[string, string, string]>([
    ['invalid_uri', 'kubernetes', 'source URI must be <kind>:<url>[?options], received "kubernetes"'],
    ['unknown_kind', 'kubelet:https://x', 'unknown source kind "kubelet", expected kubernetes or kubernetes.summary_api'],
    ['invalid_url', 'kubernetes:kubernetes.default', 'source URL must be empty or an absolute http(s)://host[:port] URL, received "kubernetes.default"'],
    ['invalid_url', 'kubernetes:ftp://k8s', 'source URL must be empty or an absolute http(s)://host[:port] URL, received "ftp://k8s"'],
    [
      'unknown_option',
      'kubernetes:?kubelet_port=10250',
      'unknown source option "kubelet_port" (received kubelet_port=10250); known options: inClusterConfig, insecure, auth, useServiceAccount, kubeletPort, kubeletHttps, host_id_annotation, endpoint, apiVersion',
    ],
    ['duplicate_option', 'kubernetes:?insecure=true&insecure=false', 'source option insecure given more than once (received insecure=true and insecure=false)'],
    ['invalid_option', 'kubernetes:?inClusterConfig=yes', 'source option inClusterConfig must be a boolean (true, false, 1, 0, t, f), received "yes"'],
    ['invalid_option', 'kubernetes:?insecure=', 'source option insecure must be a boolean (true, false, 1, 0, t, f), received ""'],
    ['invalid_option', 'kubernetes:?kubeletPort=http', 'source option kubeletPort must be a port number (1-65535) or "node", received "http"'],
    ['invalid_option', 'kubernetes:?kubeletPort=0', 'source option kubeletPort must be a port number (1-65535) or "node", received "0"'],
    ['invalid_option', 'kubernetes:?kubeletPort=65536', 'source option kubeletPort must be a port number (1-65535) or "node", received "65536"'],
    ['invalid_option', 'kubernetes:?endpoint=cadvisor', 'source option endpoint must be summary or resource, received "cadvisor"'],
    ['invalid_option', 'kubernetes:?apiVersion=v1beta3', 'source option apiVersion must be v1, received "v1beta3"'],
  ])('rejects with %s: %s', (code, uri, message) => {
    const error = captureError(() => parseKubeSourceUri(uri, {}));
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code, message });
  });
});

describe('buildKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-kube-'));
  const saDir = mkdtempSync(join(dir, 'sa-'));
  writeFileSync(join(saDir, 'token'), 'sa-token-123');
  writeFileSync(join(saDir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  const noSaDir = mkdtempSync(join(dir, 'nosa-'));
  const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: lab',
      'clusters:',
      '- name: lab',
      '  cluster:',
      '    server: https://lab.example:6443',
      'users:',
      '- name: admin',
      '  user:',
      '    token: kubeconfig-token',
      'contexts:',
      '- name: lab',
      '  context:',
      '    cluster: lab',
      '    user: admin',
      '',
    ].join('\n'),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (uri: string) => parseKubeSourceUri(uri, {});
  const authorization = async (kubeConfig: ReturnType<typeof buildKubeConfig>) => {
    const init = await kubeConfig.applyToFetchOptions({});
    return (init.headers as unknown as Headers).get('authorization');
  };

  it('uses the pod service account in cluster: service host, token file and CA', async () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:'), { env, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ server: 'https://10.96.0.1:443', caFile: join(saDir, 'ca.crt'), skipTLSVerify: false });
    expect(await authorization(kubeConfig)).toBe('Bearer sa-token-123');
  });

  it('lets the URL host override the in-cluster host', () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:https://kubernetes.default'), { env, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://kubernetes.default');
  });

  it('drops the CA and skips verification in cluster with insecure=true', () => {
    const cluster = buildKubeConfig(parse('kubernetes:?insecure=true'), { env, serviceAccountDir: saDir }).getCurrentCluster();
    expect(cluster?.skipTLSVerify).toBe(true);
    expect(cluster?.caFile).toBeUndefined();
  });

  it('brackets an IPv6 service host', () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:'), { env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
  });

  it('fails in cluster without the service environment', () => {
    const error = captureError(() => buildKubeConfig(parse('kubernetes:'), { env: {}, serviceAccountDir: saDir }));
    expect(error).toMatchObject({
      code: 'in_cluster',
      message: 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined (or give the API server URL in the source URI)',
    });
  });

  it('fails in cluster without a token file', () => {
    const error = captureError(() => buildKubeConfig(parse('kubernetes:'), { env, serviceAccountDir: noSaDir }));
    expect(error).toMatchObject({ code: 'in_cluster', message: `unable to load in-cluster configuration: service account token ${join(noSaDir, 'token')} does not exist` });
  });

  it('points an unauthenticated client at the URL when inClusterConfig=false and no auth', async () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:https://10.0.0.1:6443?inClusterConfig=false'), { env, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ server: 'https://10.0.0.1:6443', skipTLSVerify: false });
    expect(await authorization(kubeConfig)).toBeNull();
  });

  it('allows a plain-http API server (client-node requires skipTLSVerify for it)', () => {
    const cluster = buildKubeConfig(parse('kubernetes:http://127.0.0.1:8080?inClusterConfig=false'), { env, serviceAccountDir: saDir }).getCurrentCluster();
    expect(cluster).toMatchObject({ server: 'http://127.0.0.1:8080', skipTLSVerify: true });
  });

  it('fails with Heapster message when no master URL is known', () => {
    const error = captureError(() => buildKubeConfig(parse('kubernetes:?inClusterConfig=false'), { env, serviceAccountDir: saDir }));
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code: 'invalid_master_url', message: 'invalid kubernetes master url specified' });
  });

  it('loads the auth kubeconfig file when inClusterConfig=false', async () => {
    const kubeConfig = buildKubeConfig(parse(`kubernetes:?inClusterConfig=false&auth=${kubeconfigPath}`), { env, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://lab.example:6443');
    expect(await authorization(kubeConfig)).toBe('Bearer kubeconfig-token');
  });

  it('applies the URL and insecure on top of the auth kubeconfig', () => {
    const kubeConfig = buildKubeConfig(parse(`kubernetes:https://other:443?inClusterConfig=false&insecure=true&auth=${kubeconfigPath}`), { env, serviceAccountDir: saDir });
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ server: 'https://other:443', skipTLSVerify: true });
  });

  it('names the option and path when the auth kubeconfig cannot be loaded', () => {
    const missing = join(dir, 'missing.yaml');
    const error = captureError(() => buildKubeConfig(parse(`kubernetes:?inClusterConfig=false&auth=${missing}`), { env, serviceAccountDir: saDir }));
    expect(error).toMatchObject({ code: 'kubeconfig', context: { option: 'auth', path: missing } });
    expect((error as Error).message).toMatch(new RegExp(`^cannot load kubeconfig "${missing}" \\(source option auth\\): ENOENT`));
  });

  it('sends the service-account token as bearer with useServiceAccount=true', async () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:https://10.0.0.1?inClusterConfig=false&useServiceAccount=true'), { env, serviceAccountDir: saDir });
    expect(await authorization(kubeConfig)).toBe('Bearer sa-token-123');
  });

  it('ignores useServiceAccount=true when the token file is missing, as Heapster did', async () => {
    const kubeConfig = buildKubeConfig(parse('kubernetes:https://10.0.0.1?inClusterConfig=false&useServiceAccount=true'), { env, serviceAccountDir: noSaDir });
    expect(await authorization(kubeConfig)).toBeNull();
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
