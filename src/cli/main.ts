/**
 * `heapgraph`: parse flags, run, stop cleanly on SIGTERM/SIGINT (exit 0). Bad flags print every
 * problem and exit 2.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../core/log.js';
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
  const surfaces = [createRestSurface({ disableExport: result.config.disableExport }), createGraphqlSurface(result.config.graphql)];
  const app = await runHeapgraph(result.config, logger, { surfaces });
  const where = result.config.source.kind === 'sim' ? ` (simulated cluster, API server ${app.sim?.apiUrl})` : '';
  logger.info(`Heapgraph ${version()} serving on ${app.url}${where}: GraphQL at ${app.url}/graphql, Heapster's REST API at ${app.url}/api/v1/model/`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'stopping');
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
