import { describe, expect, it } from 'vitest';
import { toConfig, type HeapgraphConfig } from '../../src/cli/config.js';
import { defaultFlags, defaultSource, FlagError, flagHelp, parseFlags, validateFlags, type Flags } from '../../src/cli/flags.js';
import { parseSimUri } from '../../src/sim/index.js';

const second = 1_000;
const minute = 60 * second;

/** The FlagError `parseFlags(argv)` throws. */
function flagError(argv: string[]): FlagError {
  try {
    parseFlags(argv);
  } catch (error) {
    if (error instanceof FlagError) return error;
    throw error;
  }
  throw new Error(`parseFlags(${JSON.stringify(argv)}) did not throw`);
}

function configOf(argv: string[]): HeapgraphConfig {
  const result = toConfig(parseFlags(argv));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  return result.config;
}

describe('parseFlags', () => {
  it('gives the defaults for no arguments', () => {
    expect(parseFlags([])).toEqual(defaultFlags);
  });

  it.each([
    [['--metric_resolution=30s'], { metricResolution: '30s' }],
    [['--metric-resolution=30s'], { metricResolution: '30s' }],
    [['--metric_resolution', '30s'], { metricResolution: '30s' }],
    [['--heapster_port=9000'], { heapsterPort: '9000' }],
    [['--heapster-port=9000'], { heapsterPort: '9000' }],
    [['--port=9000'], { heapsterPort: '9000' }],
    [['--listen_ip=127.0.0.1'], { listenIp: '127.0.0.1' }],
    [['--sink_export_data_timeout=5s'], { sinkExportDataTimeout: '5s' }],
    [['--label_separator=;'], { labelSeparator: ';' }],
    [['--disable_metric_sink'], { disableMetricSink: true }],
    [['--disable-metric-sink'], { disableMetricSink: true }],
    [['--disable_export'], { disableExport: true }],
    [['--graphql_max_depth=7'], { graphqlMaxDepth: '7' }],
    [['--graphql-landing-page=none'], { graphqlLandingPage: 'none' }],
    [['--model_retention=1h'], { modelRetention: '1h' }],
    [['--log_level=debug'], { logLevel: 'debug' }],
    [['--version'], { version: true }],
    [['--help'], { help: true }],
    [['-h'], { help: true }],
    [['--source=kubernetes.summary_api:'], { source: ['kubernetes.summary_api:'] }],
    [['--store_label=app_name'], { storeLabel: ['app_name'] }],
  ])('binds %j over the defaults', (argv, override: Partial<Flags>) => {
    expect(parseFlags(argv)).toEqual({ ...defaultFlags, ...override });
  });

  it('prefers --heapster_port to its alias --port', () => {
    expect(parseFlags(['--port=1', '--heapster_port=2']).heapsterPort).toBe('2');
    expect(parseFlags(['--heapster_port=2', '--port=1']).heapsterPort).toBe('2');
  });

  it('keeps underscores in values: only flag names are normalised', () => {
    expect(parseFlags(['--source=kubernetes:https://kube_api?host_id_annotation=cloud_id']).source).toEqual([
      'kubernetes:https://kube_api?host_id_annotation=cloud_id',
    ]);
  });

  it('collects a repeated --sink in order', () => {
    expect(parseFlags(['--sink=log', '--sink', 'metric', '--sink=log']).sink).toEqual(['log', 'metric', 'log']);
  });

  it('collects --source repeatedly so validation can report the count', () => {
    expect(parseFlags(['--source=sim:', '--source=sim:?nodes=2']).source).toEqual(['sim:', 'sim:?nodes=2']);
  });

  it.each([
    ['ignore', '--ignore_label', 'ignoreLabel'],
    ['store', '--store_label', 'storeLabel'],
  ] as const)('splits comma lists of %s labels and merges repeated flags, dropping empty items', (_kind, flag, field) => {
    const flags = parseFlags([`${flag}=a, b,,c`, `${flag}=d`, `${flag}=`]);
    expect(flags[field]).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([
    [['--foo=1'], '--foo', 'unknown flag'],
    [['--foo_bar=1'], '--foo_bar', 'unknown flag'],
    [['--metric_resolution=1m', '--no-such-flag'], '--no-such-flag', 'unknown flag'],
    [['-x'], '-x', 'unknown flag'],
    [['--metric_resolution'], '--metric_resolution', 'needs a value (--name=value)'],
    [['--source'], '--source', 'needs a value (--name=value)'],
    [['--version=yes'], '--version', 'takes no value'],
    [['--disable_metric_sink=true'], '--disable_metric_sink', 'takes no value'],
  ])('rejects %j with a FlagError naming %s as typed', (argv, flag, message) => {
    const error = flagError(argv);
    expect(error.problems).toEqual([{ flag, message }]);
    expect(error.message).toBe(`${flag}: ${message}`);
    expect(error.name).toBe('FlagError');
  });

  it.each([
    [['sim:'], 'sim:'],
    [['--sink=log', 'metric'], 'metric'],
    [['--', '--source=sim:'], '--source=sim:'],
  ])('rejects the positional argument in %j', (argv, positional) => {
    expect(flagError(argv).problems).toEqual([{ flag: positional, message: 'unexpected argument (flags look like --name=value)' }]);
  });

  it('documents every flag it binds in the help', () => {
    const documented = flagHelp.map(([usage]) => usage.split('=')[0]);
    expect(documented).toEqual(expect.arrayContaining(['--source', '--sink', '--metric_resolution', '--heapster_port', '--listen_ip', '--sink_export_data_timeout', '--label_separator', '--ignore_label', '--store_label', '--disable_metric_sink', '--model_retention', '--log_level', '--version']));
  });
});

describe('validateFlags', () => {
  it('finds nothing wrong with the defaults', () => {
    expect(validateFlags(defaultFlags)).toEqual([]);
  });

  it.each([
    [{ source: ['sim:', 'sim:'] }, '--source', 'Wrong number of sources specified: exactly one is allowed, got 2'],
    [{ metricResolution: '60' }, '--metric_resolution', 'not a duration: "60" (use e.g. 30s, 1m30s, 500ms)'],
    [{ metricResolution: '500ms' }, '--metric_resolution', 'must be at least 1s, got "500ms"'],
    [{ metricResolution: '-1m' }, '--metric_resolution', 'must be at least 1s, got "-1m"'],
    [{ sinkExportDataTimeout: '0s' }, '--sink_export_data_timeout', 'must be at least 0.001s, got "0s"'],
    [{ sinkExportDataTimeout: 'soon' }, '--sink_export_data_timeout', 'not a duration: "soon" (use e.g. 30s, 1m30s, 500ms)'],
    [{ modelRetention: '100ms' }, '--model_retention', 'must be at least 1s, got "100ms"'],
    [{ heapsterPort: 'http' }, '--heapster_port', 'not a port number: "http"'],
    [{ heapsterPort: '65536' }, '--heapster_port', 'not a port number: "65536"'],
    [{ graphqlMaxDepth: '0' }, '--graphql_max_depth', 'expected a positive whole number, got "0"'],
    [{ graphqlMaxPoints: 'lots' }, '--graphql_max_points', 'expected a positive whole number, got "lots"'],
    [{ graphqlInitTimeout: 'never' }, '--graphql_init_timeout', 'not a duration: "never" (use e.g. 30s, 1m30s, 500ms)'],
    [{ graphqlLandingPage: 'cdn' }, '--graphql_landing_page', 'expected offline or none, got "cdn"'],
    [{ heapsterPort: '-1' }, '--heapster_port', 'not a port number: "-1"'],
    [{ heapsterPort: '' }, '--heapster_port', 'not a port number: ""'],
    [{ heapsterPort: '0x50' }, '--heapster_port', 'not a port number: "0x50"'],
    [{ heapsterPort: '8e3' }, '--heapster_port', 'not a port number: "8e3"'],
    [{ labelSeparator: '' }, '--label_separator', 'must not be empty'],
    [{ storeLabel: ['=app'] }, '--store_label', 'expected name or newName=name, got "=app"'],
    [{ storeLabel: ['team='] }, '--store_label', 'expected name or newName=name, got "team="'],
    [{ storeLabel: ['a=b=c'] }, '--store_label', 'expected name or newName=name, got "a=b=c"'],
    [{ logLevel: 'verbose' }, '--log_level', 'unknown level "verbose"'],
  ])('reports %j as one problem of %s', (override: Partial<Flags>, flag, message) => {
    expect(validateFlags({ ...defaultFlags, ...override })).toEqual([{ flag, message }]);
  });

  it.each([
    [{ metricResolution: '1s' }],
    [{ heapsterPort: '0' }],
    [{ heapsterPort: '65535' }],
    [{ storeLabel: ['app', 'team=owner'] }],
    [{ logLevel: 'silent' }],
  ])('accepts the boundary value %j', (override: Partial<Flags>) => {
    expect(validateFlags({ ...defaultFlags, ...override })).toEqual([]);
  });

  it('reports several problems at once, each naming its flag', () => {
    const problems = validateFlags({ ...defaultFlags, metricResolution: 'often', heapsterPort: 'x', logLevel: 'loud', storeLabel: ['=a', 'b='] });
    expect(problems.map((p) => p.flag)).toEqual(['--metric_resolution', '--heapster_port', '--store_label', '--store_label', '--log_level']);
  });
});

describe('toConfig', () => {
  it('converts the defaults into units, with the embedded simulated cluster as the source', () => {
    expect(configOf([])).toEqual({
      source: { kind: 'sim', uri: defaultSource, sim: parseSimUri(defaultSource) },
      sinks: [],
      resolutionMs: minute,
      port: 8082,
      listenIp: '',
      exportTimeoutMs: 20 * second,
      labelSeparator: ',',
      ignoreLabels: [],
      storeLabels: [],
      disableMetricSink: false,
      disableExport: false,
      retentionMs: 15 * minute,
      logLevel: 'info',
      graphql: {
        maxDepth: 15,
        maxCost: 50_000,
        maxAliases: 50,
        maxPointsPerOperation: 100_000,
        maxSubscriptionsPerConnection: 100,
        connectionInitTimeoutMs: 3_000,
        maxPayloadBytes: 262_144,
        landingPage: 'offline',
      },
      security: { allowedUsers: [], delegatedAuth: false, authCacheTtlMs: 10 * second },
    } satisfies HeapgraphConfig);
  });

  it('converts durations, port, lists and switches into config fields', () => {
    const config = configOf([
      '--metric_resolution=1m30s',
      '--sink_export_data_timeout=2.5s',
      '--model_retention=1h',
      '--port=0',
      '--listen_ip=127.0.0.1',
      '--label_separator=;',
      '--ignore_label=pod-template-hash,controller-revision-hash',
      '--store_label=app,team=owner',
      '--disable_metric_sink',
      '--log_level=warn',
      '--sink=log',
      '--sink=metric',
    ]);
    expect(config).toMatchObject({
      resolutionMs: 90 * second,
      exportTimeoutMs: 2_500,
      retentionMs: 60 * minute,
      port: 0,
      listenIp: '127.0.0.1',
      labelSeparator: ';',
      ignoreLabels: ['pod-template-hash', 'controller-revision-hash'],
      storeLabels: ['app', 'team=owner'],
      disableMetricSink: true,
      logLevel: 'warn',
      sinks: [{ kind: 'log' }, { kind: 'metric' }],
    });
  });

  it('reads a simulated cluster source', () => {
    expect(configOf(['--source=sim:?nodes=3&podsPerNode=5&seed=7']).source).toEqual({ kind: 'sim', uri: 'sim:?nodes=3&podsPerNode=5&seed=7', sim: { nodes: 3, podsPerNode: 5, seed: 7 } });
  });

  it('reads a Kubernetes source of either kind', () => {
    const summary = configOf(["--source=kubernetes.summary_api:''"]).source;
    expect(summary).toMatchObject({ kind: 'kubernetes', uri: "kubernetes.summary_api:''", kube: { kind: 'kubernetes.summary_api' } });
    const cadvisor = configOf(['--source=kubernetes:https://kubernetes.default?kubeletPort=10250&kubeletHttps=true']).source;
    expect(cadvisor).toMatchObject({ kind: 'kubernetes', kube: { kind: 'kubernetes', apiServerUrl: 'https://kubernetes.default', kubeletPort: 10250, kubeletHttps: true } });
  });

  it.each([
    ['--source=carrier-pigeon:coop', '--source', '"carrier-pigeon"'],
    ['--source=kubernetes', '--source', '"kubernetes"'],
    ['--source=kubernetes:https://kubernetes.default?colour=blue', '--source', 'colour'],
    ['--source=sim:?nodes=many', '--source', '"many"'],
    ['--sink=carrier-pigeon:coop', '--sink', '"carrier-pigeon"'],
  ])('reports the bad URI of %s under %s', (arg, flag, named) => {
    const result = toConfig(parseFlags([arg]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ flag, message: expect.stringContaining(named) }]);
  });

  it('reports flag, source and sink problems together', () => {
    const result = toConfig(parseFlags(['--metric_resolution=fast', '--source=nowhere:x', '--sink=log', '--sink=pager', '--sink=fax']));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.flag)).toEqual(['--metric_resolution', '--source', '--sink', '--sink']);
    expect(result.problems.slice(2).map((p) => p.message)).toEqual([expect.stringContaining('"pager"'), expect.stringContaining('"fax"')]);
  });
});

describe('security flags', () => {
  it('binds the TLS, client-certificate and delegated-auth flags in either spelling', () => {
    const flags = parseFlags(['--tls_cert=/c.pem', '--tls-key=/k.pem', '--tls_client_ca=/ca.pem', '--allowed_users=alice, bob', '--allowed-users=carol', '--delegated_auth', '--auth_cache_ttl=30s']);
    expect(flags).toMatchObject({ tlsCert: '/c.pem', tlsKey: '/k.pem', tlsClientCa: '/ca.pem', allowedUsers: ['alice', 'bob', 'carol'], delegatedAuth: true, authCacheTtl: '30s' });
  });

  it('documents every security flag in the help', () => {
    const documented = flagHelp.map(([usage]) => usage.split('=')[0]);
    expect(documented).toEqual(expect.arrayContaining(['--tls_cert', '--tls_key', '--tls_client_ca', '--allowed_users', '--delegated_auth', '--auth_cache_ttl']));
  });

  it.each([
    [{ tlsCert: '/c.pem' }, '--tls_cert', 'needs --tls_key too: HTTPS takes a certificate and its key'],
    [{ tlsKey: '/k.pem' }, '--tls_key', 'needs --tls_cert too: HTTPS takes a certificate and its key'],
    [{ tlsCert: '/c.pem', tlsKey: '/k.pem', allowedUsers: ['alice'] }, '--allowed_users', 'needs --tls_client_ca: without it no client certificate is checked, so the list would restrict nothing'],
    [{ authCacheTtl: '-1s' }, '--auth_cache_ttl', 'must be at least 0s, got "-1s"'],
    [{ authCacheTtl: 'long' }, '--auth_cache_ttl', 'not a duration: "long" (use e.g. 30s, 1m30s, 500ms)'],
  ])('reports %j as one problem of %s', (override: Partial<Flags>, flag, message) => {
    expect(validateFlags({ ...defaultFlags, ...override })).toEqual([{ flag, message }]);
  });

  it('requires a certificate for a client CA, as Heapster did', () => {
    expect(validateFlags({ ...defaultFlags, tlsClientCa: '/ca.pem' })).toEqual([
      { flag: '--tls_client_ca', message: 'needs --tls_cert and --tls_key: client certificates are only asked for over HTTPS' },
    ]);
  });

  it('converts the security flags, with delegated auth off and a 10 s cache by default', () => {
    expect(configOf([]).security).toEqual({ allowedUsers: [], delegatedAuth: false, authCacheTtlMs: 10 * second });
    expect(configOf(['--delegated_auth', '--auth_cache_ttl=0']).security).toEqual({ allowedUsers: [], delegatedAuth: true, authCacheTtlMs: 0 });
  });

  it('reports an unreadable TLS file under its flag at start-up', () => {
    const result = toConfig(parseFlags(['--tls_cert=/nonexistent/heapgraph.crt', '--tls_key=/nonexistent/heapgraph.key']));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ flag: '--tls_cert', message: 'cannot read "/nonexistent/heapgraph.crt": ENOENT' }]);
  });
});
