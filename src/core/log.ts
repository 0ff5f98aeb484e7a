/**
 * Structured logging (pino). JSON lines by default, pretty on a terminal.
 *
 * @module
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** Human-readable output (pino-pretty). @default true when stdout is a TTY */
  pretty?: boolean;
}

/** A root logger; stages take children of it (`logger.child({ stage: 'scrape' })`). */
export function createLogger({ level = 'info', pretty = process.stdout.isTTY === true }: LoggerOptions = {}): Logger {
  return pino({
    level,
    // Tokens and passwords never reach a log line, whatever object is logged.
    redact: { paths: ['*.token', '*.bearerToken', '*.password', '*.pw', 'headers.authorization'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
