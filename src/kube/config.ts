/**
 * Heapster's `--source` URI, validated once: `kubernetes:<url>?opts` or
 * `kubernetes.summary_api:<url>?opts` (reference §3, §3.1). Parsing is pure; turning the
 * result into an API-client configuration ({@link buildKubeConfig}) reads files and lives in
 * `kubeconfig.ts`.
 *
 * @module
 */
import { KubeConfigError } from './errors.js';

export { buildKubeConfig, defaultServiceAccountDir, type BuildKubeConfigOptions } from './kubeconfig.js';

/** The two source kinds Heapster accepted. */
export type KubeSourceKind = 'kubernetes' | 'kubernetes.summary_api';

/** Which kubelet endpoint the sources scrape (Heapgraph's own option). */
export type KubeletEndpoint = 'summary' | 'resource';

/** A parsed source URI with every default applied. */
export interface KubeSourceConfig {
  readonly kind: KubeSourceKind;
  /** `scheme://host[:port]` of the URL part; overrides the API-server address. Undefined when the URL part is empty. */
  readonly apiServerUrl: string | undefined;
  /** Use the pod's service account (token + CA). @default true */
  readonly inClusterConfig: boolean;
  /** Skip API-server TLS verification. @default false */
  readonly insecure: boolean;
  /** Option `auth`: kubeconfig path, used when `inClusterConfig=false`. Undefined when empty. */
  readonly authFile: string | undefined;
  /** Send the service-account token as bearer token. @default false */
  readonly useServiceAccount: boolean;
  /** Kubelet port, or `'node'` for each node's `status.daemonEndpoints.kubeletEndpoint.Port`. @default 10255 */
  readonly kubeletPort: number | 'node';
  /** Scrape kubelets over HTTPS. @default false */
  readonly kubeletHttps: boolean;
  /** Option `host_id_annotation`: node annotation used as host_id when `spec.externalID` is empty. */
  readonly hostIdAnnotation: string | undefined;
  /** @default 'summary' */
  readonly endpoint: KubeletEndpoint;
}

/** Heapster's read-only kubelet port. */
export const defaultKubeletPort = 10255;

const kinds: readonly KubeSourceKind[] = ['kubernetes', 'kubernetes.summary_api'];

const knownOptions = [
  'inClusterConfig',
  'insecure',
  'auth',
  'useServiceAccount',
  'kubeletPort',
  'kubeletHttps',
  'host_id_annotation',
  'endpoint',
  'apiVersion',
] as const;
type OptionName = (typeof knownOptions)[number];

// strconv.ParseBool's accepted spellings, so Heapster URIs keep working verbatim.
const trueWords = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/**
 * Expands `$VAR` and `${VAR}` from `env` as Go's `os.ExpandEnv` does: unset variables become
 * the empty string, a `$` not followed by a name is kept.
 */
export function expandEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))/g, (_match, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ''] ?? '');
}

/**
 * Parses a Heapster source URI into a {@link KubeSourceConfig}.
 *
 * @param uri e.g. `kubernetes:https://kubernetes.default?inClusterConfig=false&auth=/etc/kube.conf`
 *   or `kubernetes.summary_api:''` (an empty URL; the quotes are a shell leftover Heapster accepted).
 * @param env variables for `$VAR`/`${VAR}` expansion. @default process.env
 * @throws KubeConfigError naming the option (or URI part) and the value received.
 */
export function parseKubeSourceUri(uri: string, env: Readonly<Record<string, string | undefined>> = process.env): KubeSourceConfig {
  const expanded = expandEnv(uri, env);
  const colon = expanded.indexOf(':');
  if (colon < 0) {
    throw new KubeConfigError('invalid_uri', `source URI must be <kind>:<url>[?options], received "${expanded}"`, { uri: expanded });
  }
  const kindText = expanded.slice(0, colon);
  const kind = kinds.find((k) => k === kindText);
  if (kind === undefined) {
    throw new KubeConfigError('unknown_kind', `unknown source kind "${kindText}", expected kubernetes or kubernetes.summary_api`, { kind: kindText });
  }
  const rest = expanded.slice(colon + 1);
  const question = rest.indexOf('?');
  const urlText = question < 0 ? rest : rest.slice(0, question);
  const queryText = question < 0 ? '' : rest.slice(question + 1);
  const options = readOptions(queryText);

  return {
    kind,
    apiServerUrl: parseApiServerUrl(urlText),
    inClusterConfig: parseBoolean(options, 'inClusterConfig', true),
    insecure: parseBoolean(options, 'insecure', false),
    authFile: nonEmpty(options.get('auth')),
    useServiceAccount: parseBoolean(options, 'useServiceAccount', false),
    kubeletPort: parseKubeletPort(options.get('kubeletPort')),
    kubeletHttps: parseBoolean(options, 'kubeletHttps', false),
    hostIdAnnotation: nonEmpty(options.get('host_id_annotation')),
    endpoint: parseEndpoint(options.get('endpoint')),
  };
}

function readOptions(queryText: string): Map<OptionName, string> {
  const options = new Map<OptionName, string>();
  for (const [name, value] of new URLSearchParams(queryText)) {
    const known = knownOptions.find((option) => option === name);
    if (known === undefined) {
      throw new KubeConfigError('unknown_option', `unknown source option "${name}" (received ${name}=${value}); known options: ${knownOptions.join(', ')}`, { option: name, value });
    }
    if (options.has(known)) {
      throw new KubeConfigError('duplicate_option', `source option ${name} given more than once (received ${name}=${options.get(known)} and ${name}=${value})`, { option: name, value });
    }
    options.set(known, value);
  }
  const apiVersion = options.get('apiVersion');
  if (apiVersion !== undefined && apiVersion !== 'v1') {
    throw new KubeConfigError('invalid_option', `source option apiVersion must be v1, received "${apiVersion}"`, { option: 'apiVersion', value: apiVersion });
  }
  return options;
}

function parseApiServerUrl(text: string): string | undefined {
  const unquoted = text === "''" || text === '""' ? '' : text;
  if (unquoted === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(unquoted);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    throw new KubeConfigError('invalid_url', `source URL must be empty or an absolute http(s)://host[:port] URL, received "${unquoted}"`, { url: unquoted });
  }
  // Only scheme and host[:port] override the API server, as in Heapster's getConfigOverrides.
  // Taken from the text, because URL drops a default port that Go's uri.Host keeps.
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/.exec(unquoted)?.[1] ?? url.host;
  return `${url.protocol}//${authority}`;
}

function parseBoolean(options: Map<OptionName, string>, name: OptionName, fallback: boolean): boolean {
  const value = options.get(name);
  if (value === undefined) return fallback;
  if (trueWords.has(value)) return true;
  if (falseWords.has(value)) return false;
  throw new KubeConfigError('invalid_option', `source option ${name} must be a boolean (true, false, 1, 0, t, f), received "${value}"`, { option: name, value });
}

function parseKubeletPort(value: string | undefined): number | 'node' {
  if (value === undefined) return defaultKubeletPort;
  if (value === 'node') return 'node';
  const port = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new KubeConfigError('invalid_option', `source option kubeletPort must be a port number (1-65535) or "node", received "${value}"`, { option: 'kubeletPort', value });
  }
  return port;
}

function parseEndpoint(value: string | undefined): KubeletEndpoint {
  if (value === undefined || value === 'summary') return 'summary';
  if (value === 'resource') return 'resource';
  throw new KubeConfigError('invalid_option', `source option endpoint must be summary or resource, received "${value}"`, { option: 'endpoint', value });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
