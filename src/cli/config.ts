/**
 * Step four of flag handling: validated flags → one runtime config. Source and sink URIs are
 * parsed here by their own stages' parsers, so every problem is reported at start-up, together.
 *
 * @module
 */
import { parseDuration } from '../core/duration.js';
import { parseKubeSourceUri, type KubeSourceConfig } from '../kube/config.js';
import { parseSimUri, type SimStartOptions } from '../sim/index.js';
import { parseSinkUri, type SinkSpec } from '../sinks/factory.js';
import type { InfluxSinkSpec } from '../sinks/influxdb/index.js';
import type { GraphqlSurfaceOptions } from '../api/graphql/options.js';
import { AuthError } from '../api/auth/errors.js';
import { loadTlsMaterial, type TlsFiles } from '../api/auth/tls.js';
import { defaultSource, validateFlags, type FlagProblem, type Flags } from './flags.js';

/** Where metrics come from. */
export type SourceConfig =
  | { kind: 'kubernetes'; uri: string; kube: KubeSourceConfig; sim?: undefined }
  | { kind: 'sim'; uri: string; sim: SimStartOptions; kube?: undefined };

/** Who may call the APIs and over what (docs/security.md). */
export interface SecurityConfig {
  /** HTTPS (`--tls_cert`, `--tls_key`, `--tls_client_ca`); absent = plain HTTP. Files checked at start-up. */
  tls?: TlsFiles;
  /** `--allowed_users`: client-certificate CNs allowed; empty = any verified certificate. */
  allowedUsers: string[];
  /** `--delegated_auth`: bearer tokens reviewed by the API server, scoped by SubjectAccessReview. */
  delegatedAuth: boolean;
  /** `--auth_cache_ttl`: how long review answers are reused. */
  authCacheTtlMs: number;
}

/** Everything `runHeapgraph` needs, in units. */
export interface HeapgraphConfig {
  source: SourceConfig;
  sinks: SinkSpec[];
  /** The sink `--historical_source` names; absent when the flag is not given. */
  historicalSource?: InfluxSinkSpec;
  resolutionMs: number;
  port: number;
  listenIp: string;
  exportTimeoutMs: number;
  labelSeparator: string;
  ignoreLabels: string[];
  storeLabels: string[];
  disableMetricSink: boolean;
  disableExport: boolean;
  retentionMs: number;
  logLevel: string;
  /** Limits and landing page of the GraphQL surface. */
  graphql: GraphqlSurfaceOptions;
  security: SecurityConfig;
}

/** Either a config or every problem found. */
export type ConfigResult = { ok: true; config: HeapgraphConfig } | { ok: false; problems: FlagProblem[] };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseSource(uri: string, problems: FlagProblem[]): SourceConfig | undefined {
  try {
    if (uri.startsWith('sim:')) return { kind: 'sim', uri, sim: parseSimUri(uri) };
    return { kind: 'kubernetes', uri, kube: parseKubeSourceUri(uri) };
  } catch (error) {
    problems.push({ flag: '--source', message: message(error) });
    return undefined;
  }
}

/** The TLS files, read once here so an unusable one is a flag problem, not a failed handshake later. */
function parseTls(flags: Flags, problems: FlagProblem[]): TlsFiles | undefined {
  if (flags.tlsCert === '' || flags.tlsKey === '') return undefined;
  const files: TlsFiles = { certFile: flags.tlsCert, keyFile: flags.tlsKey, ...(flags.tlsClientCa !== '' ? { clientCaFile: flags.tlsClientCa } : {}) };
  try {
    loadTlsMaterial(files);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    problems.push({ flag: String(error.context.flag ?? '--tls_cert'), message: error.message });
  }
  return files;
}

/** Validates `flags` and converts them; reports every problem at once. */
export function toConfig(flags: Flags): ConfigResult {
  const problems = validateFlags(flags);
  const source = parseSource(flags.source[0] ?? defaultSource, problems);
  const sinks: SinkSpec[] = [];
  for (const uri of flags.sink) {
    try {
      sinks.push(parseSinkUri(uri));
    } catch (error) {
      problems.push({ flag: '--sink', message: message(error) });
    }
  }
  let historicalSource: InfluxSinkSpec | undefined;
  if (flags.historicalSource !== '') {
    // Heapster: the flag must repeat a --sink value exactly, and that sink must support history.
    historicalSource = sinks.find((spec): spec is InfluxSinkSpec => spec.kind === 'influxdb' && spec.uri === flags.historicalSource);
    if (!historicalSource) {
      problems.push({ flag: '--historical_source', message: `Failed to use a sink as a historical metrics source: no influxdb --sink is "${flags.historicalSource}"` });
    }
  }
  const tls = parseTls(flags, problems);
  if (problems.length > 0 || !source) return { ok: false, problems };
  return {
    ok: true,
    config: {
      source,
      sinks,
      ...(historicalSource ? { historicalSource } : {}),
      resolutionMs: parseDuration(flags.metricResolution),
      port: Number(flags.heapsterPort),
      listenIp: flags.listenIp,
      exportTimeoutMs: parseDuration(flags.sinkExportDataTimeout),
      labelSeparator: flags.labelSeparator,
      ignoreLabels: flags.ignoreLabel,
      storeLabels: flags.storeLabel,
      disableMetricSink: flags.disableMetricSink,
      disableExport: flags.disableExport,
      retentionMs: parseDuration(flags.modelRetention),
      logLevel: flags.logLevel,
      graphql: {
        maxDepth: Number(flags.graphqlMaxDepth),
        maxCost: Number(flags.graphqlMaxCost),
        maxAliases: Number(flags.graphqlMaxAliases),
        maxPointsPerOperation: Number(flags.graphqlMaxPoints),
        maxSubscriptionsPerConnection: Number(flags.graphqlMaxSubscriptions),
        connectionInitTimeoutMs: parseDuration(flags.graphqlInitTimeout),
        maxPayloadBytes: Number(flags.graphqlMaxPayloadBytes),
        landingPage: flags.graphqlLandingPage as 'offline' | 'none',
      },
      security: {
        ...(tls ? { tls } : {}),
        allowedUsers: flags.allowedUsers,
        delegatedAuth: flags.delegatedAuth,
        authCacheTtlMs: parseDuration(flags.authCacheTtl),
      },
    },
  };
}
