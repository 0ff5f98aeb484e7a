/**
 * `heapgraph`: parse flags, run, stop cleanly on SIGTERM/SIGINT (exit 0). Bad flags print every
 * problem and exit 2. A second signal while stopping exits at once (128 + the signal's number).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { createLogger, type Logger } from '../core/log.js';
import { toConfig } from './config.js';
import { FlagError, flagHelp, parseFlags } from './flags.js';
import { createGraphqlSurface } from '../api/graphql/index.js';
import { createRestSurface } from '../api/rest/index.js';
import { runHeapgraph } from './heapgraph.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...flagHelp.map(([flag]) => flag.length));
  return ['Usage: heapgraph [flags]', '', ...flagHelp.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)].join('\n');
}

/** SIGTERM and SIGINT, watched from before start-up until the process ends. */
interface StopSignals {
  /** Resolves with the first signal received once {@link StopSignals.running} was called. */
  readonly received: Promise<NodeJS.Signals>;
  /** Start-up is done: from now on the first signal stops in order (docs/operations.md, Shutdown). */
  running(): void;
}

/**
 * Installs the signal listeners. A signal during start-up exits 0 at once: the pipeline starts
 * last, so no batch exists yet, and start-up may be waiting on an unreachable API server for
 * ever. A second signal while stopping exits at once with 128 + its number, as a shell reports a
 * killed process: the operator chose to lose what was not flushed yet.
 */
function watchStopSignals(logger: Logger): StopSignals {
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let resolve: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'running') {
      phase = 'stopping';
      resolve(signal);
      return;
    }
    if (phase === 'starting') logger.info({ signal }, 'signal during start-up: exiting (no batch was produced yet)');
    else logger.warn({ signal }, 'second signal while stopping: exiting now; data not yet flushed to sinks is lost');
    logger.flush?.();
    process.exit(phase === 'starting' ? 0 : 128 + constants.signals[signal]);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    received,
    running: () => {
      phase = 'running';
    },
  };
}

/** Runs the command; resolves to the exit code once it has stopped. */
export async function main(argv: readonly string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`heapgraph: ${error.message}\n\n${usage()}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`heapgraph ${version()}\n`);
    return 0;
  }
  const result = toConfig(flags);
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`heapgraph: ${p.flag}: ${p.message}\n`);
    return 2;
  }
  const logger = createLogger({ level: result.config.logLevel });
  const signals = watchStopSignals(logger);
  const surfaces = [createRestSurface({ disableExport: result.config.disableExport }), createGraphqlSurface(result.config.graphql)];
  const app = await runHeapgraph(result.config, logger, { surfaces });
  const where = result.config.source.kind === 'sim' ? ` (simulated cluster, API server ${app.sim?.apiUrl})` : '';
  logger.info(`Heapgraph ${version()} serving on ${app.url}${where}: GraphQL at ${app.url}/graphql, Heapster's REST API at ${app.url}/api/v1/model/`);
  const { tls, allowedUsers, delegatedAuth } = result.config.security;
  const clientCertificates = tls?.clientCaFile === undefined ? 'off' : allowedUsers.length > 0 ? `CNs ${allowedUsers.join(', ')}` : 'any verified certificate';
  logger.info({ https: tls !== undefined, clientCertificates, delegatedAuth }, delegatedAuth || tls?.clientCaFile ? 'access control on (docs/security.md)' : 'access control off: every caller sees everything');
  signals.running();
  const signal = await signals.received;
  // The cycle in progress finishes (its scrape is bounded by the cycle deadline), then sinks get
  // --sink_export_data_timeout to flush; see heapgraph.ts stop().
  logger.info({ signal, flushTimeoutMs: result.config.exportTimeoutMs }, 'stopping');
  await app.stop();
  logger.info('stopped');
  logger.flush?.();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`heapgraph: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
