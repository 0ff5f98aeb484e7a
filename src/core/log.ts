/**
 * Structured logging (pino). JSON lines by default, pretty on a terminal.
 *
 * @module
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** Human-readable output (pino-pretty). @default true when stdout is a TTY */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests capture them). Ignored when `pretty`. @default stdout */
  destination?: DestinationStream;
}

/**
 * Fields never written, wherever they appear in a logged object (one level of nesting for the
 * generic names): bearer tokens and Authorization headers in either case, passwords, a
 * TokenReview's `spec.token`, and TLS private keys.
 */
export const redactedPaths: readonly string[] = [
  'token',
  '*.token',
  'spec.token',
  '*.spec.token',
  'bearerToken',
  '*.bearerToken',
  'password',
  '*.password',
  'pw',
  '*.pw',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'tls.key',
  '*.tls.key',
  'privateKey',
  '*.privateKey',
];

/** A root logger; stages take children of it (`logger.child({ stage: 'scrape' })`). */
export function createLogger({ level = 'info', pretty = process.stdout.isTTY === true, destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    // Tokens, keys and passwords never reach a log line, whatever object is logged.
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
  return !pretty && destination ? pino(options, destination) : pino(options);
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
