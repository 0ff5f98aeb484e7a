/**
 * Command-line flags in four steps (style rule 5): {@link defaultFlags} → {@link parseFlags}
 * (binding, `-` and `_` interchangeable as in Heapster's pflag setup) → {@link validateFlags}
 * (every problem at once, each naming its flag) → `toConfig` in `config.ts`.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.js';

/** Every flag's value after parsing, before validation. */
export interface Flags {
  source: string[];
  sink: string[];
  historicalSource: string;
  metricResolution: string;
  heapsterPort: string;
  listenIp: string;
  sinkExportDataTimeout: string;
  labelSeparator: string;
  ignoreLabel: string[];
  storeLabel: string[];
  disableMetricSink: boolean;
  disableExport: boolean;
  modelRetention: string;
  logLevel: string;
  graphqlMaxDepth: string;
  graphqlMaxCost: string;
  graphqlMaxAliases: string;
  graphqlMaxPoints: string;
  graphqlMaxSubscriptions: string;
  graphqlInitTimeout: string;
  graphqlMaxPayloadBytes: string;
  graphqlLandingPage: string;
  tlsCert: string;
  tlsKey: string;
  tlsClientCa: string;
  allowedUsers: string[];
  delegatedAuth: boolean;
  authCacheTtl: string;
  version: boolean;
  help: boolean;
}

/** The embedded simulated cluster `npm start` runs against when no `--source` is given. */
export const defaultSource = 'sim:?nodes=20&podsPerNode=30&seed=1';

/** Defaults, as Heapster's where Heapster had the flag. */
export const defaultFlags: Readonly<Flags> = {
  source: [],
  sink: [],
  historicalSource: '',
  metricResolution: '60s',
  heapsterPort: '8082',
  listenIp: '',
  sinkExportDataTimeout: '20s',
  labelSeparator: ',',
  ignoreLabel: [],
  storeLabel: [],
  disableMetricSink: false,
  disableExport: false,
  modelRetention: '15m',
  logLevel: 'info',
  graphqlMaxDepth: '15',
  graphqlMaxCost: '50000',
  graphqlMaxAliases: '50',
  graphqlMaxPoints: '100000',
  graphqlMaxSubscriptions: '100',
  graphqlInitTimeout: '3s',
  graphqlMaxPayloadBytes: '262144',
  graphqlLandingPage: 'offline',
  tlsCert: '',
  tlsKey: '',
  tlsClientCa: '',
  allowedUsers: [],
  delegatedAuth: false,
  authCacheTtl: '10s',
  version: false,
  help: false,
};

/** One line per flag for `--help`. */
export const flagHelp: ReadonlyArray<[string, string]> = [
  ['--source=URI', `metrics source: kubernetes:<url>?opts, kubernetes.summary_api:<url>?opts or sim:?nodes=N&podsPerNode=M&seed=S (default ${defaultSource})`],
  ['--sink=URI', 'sink, repeatable: log, metric, influxdb:http://host:8086?db=k8s&... (docs/influxdb.md)'],
  ['--historical_source=URI', 'a --sink value (influxdb) that answers /api/v1/historical and GraphQL ranges older than memory'],
  ['--metric_resolution=DUR', 'scrape interval, Go duration, at least 1s (default 60s)'],
  ['--heapster_port=PORT', 'port of the APIs, alias --port (default 8082)'],
  ['--listen_ip=IP', 'address to bind (default all interfaces)'],
  ['--sink_export_data_timeout=DUR', 'longest one sink export may take (default 20s)'],
  ['--label_separator=SEP', 'separator of the joined `labels` label (default ,)'],
  ['--ignore_label=KEYS', 'label keys left out of `labels`, repeatable or comma list'],
  ['--store_label=KEYS', 'labels copied into their own label (name or newName=name), repeatable or comma list'],
  ['--disable_metric_sink', 'do not keep the in-memory model (disables the model API)'],
  ['--disable_export', '/api/v1/metric-export answers []'],
  ['--model_retention=DUR', 'how long the model keeps every metric (default 15m)'],
  ['--log_level=LEVEL', 'trace, debug, info, warn, error (default info)'],
  ['--graphql_max_depth=N', 'deepest GraphQL selection accepted (default 15)'],
  ['--graphql_max_cost=N', 'highest estimated cost of one GraphQL operation (default 50000)'],
  ['--graphql_max_aliases=N', 'most aliases in one GraphQL operation (default 50)'],
  ['--graphql_max_points=N', 'most series points one GraphQL operation may return (default 100000)'],
  ['--graphql_max_subscriptions=N', 'subscriptions per WebSocket connection (default 100)'],
  ['--graphql_init_timeout=DUR', 'time a WebSocket has to send connection_init (default 3s)'],
  ['--graphql_max_payload_bytes=N', 'largest WebSocket message accepted (default 262144)'],
  ['--graphql_landing_page=MODE', 'offline (a self-contained page at GET /graphql) or none (default offline)'],
  ['--tls_cert=FILE', 'serve HTTPS with this PEM certificate (needs --tls_key)'],
  ['--tls_key=FILE', 'PEM private key of --tls_cert'],
  ['--tls_client_ca=FILE', 'PEM CA bundle: every route but /healthz needs a client certificate it signed (needs --tls_cert)'],
  ['--allowed_users=CNS', 'comma-separated client-certificate CNs allowed; empty = any verified certificate (needs --tls_client_ca)'],
  ['--delegated_auth', 'require a bearer token, checked with TokenReview; scope by SubjectAccessReview on metrics.k8s.io (docs/security.md)'],
  ['--auth_cache_ttl=DUR', 'how long TokenReview and SubjectAccessReview answers are reused (default 10s, 0 = not at all)'],
  ['--version', 'print the version and exit'],
];

/** A flag problem: which flag, what is wrong. */
export interface FlagProblem {
  flag: string;
  message: string;
}

/** Thrown by {@link parseFlags} for unknown flags or missing values. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
  constructor(readonly problems: readonly FlagProblem[]) {
    super(problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  }
}

const options = {
  source: { type: 'string', multiple: true },
  sink: { type: 'string', multiple: true },
  'historical-source': { type: 'string' },
  'metric-resolution': { type: 'string' },
  'heapster-port': { type: 'string' },
  port: { type: 'string' },
  'listen-ip': { type: 'string' },
  'sink-export-data-timeout': { type: 'string' },
  'label-separator': { type: 'string' },
  'ignore-label': { type: 'string', multiple: true },
  'store-label': { type: 'string', multiple: true },
  'disable-metric-sink': { type: 'boolean' },
  'disable-export': { type: 'boolean' },
  'model-retention': { type: 'string' },
  'log-level': { type: 'string' },
  'graphql-max-depth': { type: 'string' },
  'graphql-max-cost': { type: 'string' },
  'graphql-max-aliases': { type: 'string' },
  'graphql-max-points': { type: 'string' },
  'graphql-max-subscriptions': { type: 'string' },
  'graphql-init-timeout': { type: 'string' },
  'graphql-max-payload-bytes': { type: 'string' },
  'graphql-landing-page': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-client-ca': { type: 'string' },
  'allowed-users': { type: 'string', multiple: true },
  'delegated-auth': { type: 'boolean' },
  'auth-cache-ttl': { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--metric_resolution=1s` → `--metric-resolution=1s`: only the name part is normalised. */
function normaliseArg(arg: string): string {
  if (!arg.startsWith('--')) return arg;
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg : arg.slice(0, eq);
  return name.replaceAll('_', '-') + (eq === -1 ? '' : arg.slice(eq));
}

function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** A `parseArgs` error as a problem naming the flag as the user spelled it (`_` or `-`). */
function bindingProblem(error: unknown, argv: readonly string[]): FlagProblem {
  const message = error instanceof Error ? error.message : String(error);
  const normalised = /'(--?[^' ]+)/.exec(message)?.[1];
  const flag = argv.map((arg) => arg.split('=')[0]!).find((name) => normaliseArg(name) === normalised) ?? normalised ?? 'flags';
  const option = normalised?.startsWith('--') ? options[normalised.slice(2) as keyof typeof options] : undefined;
  switch ((error as { code?: unknown } | null)?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return { flag, message: 'unknown flag' };
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return { flag, message: option?.type === 'boolean' ? 'takes no value' : 'needs a value (--name=value)' };
    default:
      return { flag, message };
  }
}

/** Binds argv to {@link Flags}; throws {@link FlagError} for unknown flags and positional arguments. */
export function parseFlags(argv: readonly string[]): Flags {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv.map(normaliseArg), options, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new FlagError([bindingProblem(error, argv)]);
  }
  if (positionals.length > 0) {
    throw new FlagError([{ flag: positionals[0]!, message: 'unexpected argument (flags look like --name=value)' }]);
  }
  const str = (name: string, fallback: string) => (values[name] as string | undefined) ?? fallback;
  return {
    source: (values.source as string[] | undefined) ?? [],
    sink: (values.sink as string[] | undefined) ?? [],
    historicalSource: str('historical-source', defaultFlags.historicalSource),
    metricResolution: str('metric-resolution', defaultFlags.metricResolution),
    heapsterPort: str('heapster-port', str('port', defaultFlags.heapsterPort)),
    listenIp: str('listen-ip', defaultFlags.listenIp),
    sinkExportDataTimeout: str('sink-export-data-timeout', defaultFlags.sinkExportDataTimeout),
    labelSeparator: str('label-separator', defaultFlags.labelSeparator),
    ignoreLabel: splitList(values['ignore-label'] as string[] | undefined),
    storeLabel: splitList(values['store-label'] as string[] | undefined),
    disableMetricSink: (values['disable-metric-sink'] as boolean | undefined) ?? false,
    disableExport: (values['disable-export'] as boolean | undefined) ?? false,
    modelRetention: str('model-retention', defaultFlags.modelRetention),
    logLevel: str('log-level', defaultFlags.logLevel),
    graphqlMaxDepth: str('graphql-max-depth', defaultFlags.graphqlMaxDepth),
    graphqlMaxCost: str('graphql-max-cost', defaultFlags.graphqlMaxCost),
    graphqlMaxAliases: str('graphql-max-aliases', defaultFlags.graphqlMaxAliases),
    graphqlMaxPoints: str('graphql-max-points', defaultFlags.graphqlMaxPoints),
    graphqlMaxSubscriptions: str('graphql-max-subscriptions', defaultFlags.graphqlMaxSubscriptions),
    graphqlInitTimeout: str('graphql-init-timeout', defaultFlags.graphqlInitTimeout),
    graphqlMaxPayloadBytes: str('graphql-max-payload-bytes', defaultFlags.graphqlMaxPayloadBytes),
    graphqlLandingPage: str('graphql-landing-page', defaultFlags.graphqlLandingPage),
    tlsCert: str('tls-cert', defaultFlags.tlsCert),
    tlsKey: str('tls-key', defaultFlags.tlsKey),
    tlsClientCa: str('tls-client-ca', defaultFlags.tlsClientCa),
    allowedUsers: splitList(values['allowed-users'] as string[] | undefined),
    delegatedAuth: (values['delegated-auth'] as boolean | undefined) ?? false,
    authCacheTtl: str('auth-cache-ttl', defaultFlags.authCacheTtl),
    version: (values.version as boolean | undefined) ?? false,
    help: (values.help as boolean | undefined) ?? false,
  };
}

function durationProblem(flag: string, text: string, minMs: number, problems: FlagProblem[]): void {
  try {
    const ms = parseDuration(text);
    if (ms < minMs) problems.push({ flag, message: `must be at least ${minMs / 1000}s, got "${text}"` });
  } catch {
    problems.push({ flag, message: `not a duration: "${text}" (use e.g. 30s, 1m30s, 500ms)` });
  }
}

/** Every problem with `flags`, each naming its flag; empty when they are usable. */
export function validateFlags(flags: Flags): FlagProblem[] {
  const problems: FlagProblem[] = [];
  if (flags.source.length > 1) problems.push({ flag: '--source', message: `Wrong number of sources specified: exactly one is allowed, got ${flags.source.length}` });
  durationProblem('--metric_resolution', flags.metricResolution, 1_000, problems);
  durationProblem('--sink_export_data_timeout', flags.sinkExportDataTimeout, 1, problems);
  durationProblem('--model_retention', flags.modelRetention, 1_000, problems);
  // Digits only: Number() would also take "", " ", "0x50" and "1e3".
  if (!/^\d{1,5}$/.test(flags.heapsterPort) || Number(flags.heapsterPort) > 65535) {
    problems.push({ flag: '--heapster_port', message: `not a port number: "${flags.heapsterPort}"` });
  }
  if (flags.labelSeparator === '') problems.push({ flag: '--label_separator', message: 'must not be empty' });
  for (const entry of flags.storeLabel) {
    if (!/^([^=]+=)?[^=]+$/.test(entry)) problems.push({ flag: '--store_label', message: `expected name or newName=name, got "${entry}"` });
  }
  const counts: Array<[string, string]> = [
    ['--graphql_max_depth', flags.graphqlMaxDepth],
    ['--graphql_max_cost', flags.graphqlMaxCost],
    ['--graphql_max_aliases', flags.graphqlMaxAliases],
    ['--graphql_max_points', flags.graphqlMaxPoints],
    ['--graphql_max_subscriptions', flags.graphqlMaxSubscriptions],
    ['--graphql_max_payload_bytes', flags.graphqlMaxPayloadBytes],
  ];
  for (const [flag, text] of counts) {
    if (!/^[1-9]\d{0,8}$/.test(text)) problems.push({ flag, message: `expected a positive whole number, got "${text}"` });
  }
  durationProblem('--graphql_init_timeout', flags.graphqlInitTimeout, 1, problems);
  if (flags.graphqlLandingPage !== 'offline' && flags.graphqlLandingPage !== 'none') {
    problems.push({ flag: '--graphql_landing_page', message: `expected offline or none, got "${flags.graphqlLandingPage}"` });
  }
  if ((flags.tlsCert === '') !== (flags.tlsKey === '')) {
    const [flag, other] = flags.tlsCert === '' ? ['--tls_key', '--tls_cert'] : ['--tls_cert', '--tls_key'];
    problems.push({ flag, message: `needs ${other} too: HTTPS takes a certificate and its key` });
  }
  if (flags.tlsClientCa !== '' && flags.tlsCert === '') {
    problems.push({ flag: '--tls_client_ca', message: 'needs --tls_cert and --tls_key: client certificates are only asked for over HTTPS' });
  }
  if (flags.allowedUsers.length > 0 && flags.tlsClientCa === '') {
    problems.push({ flag: '--allowed_users', message: 'needs --tls_client_ca: without it no client certificate is checked, so the list would restrict nothing' });
  }
  durationProblem('--auth_cache_ttl', flags.authCacheTtl, 0, problems);
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(flags.logLevel)) {
    problems.push({ flag: '--log_level', message: `unknown level "${flags.logLevel}"` });
  }
  return problems;
}
