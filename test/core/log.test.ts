import { describe, expect, it } from 'vitest';
import { createLogger, redactedPaths } from '../../src/core/log.js';

/** A JSON logger at trace level whose lines are kept. */
function capture(): { logger: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const written: string[] = [];
  const logger = createLogger({ level: 'trace', pretty: false, destination: { write: (line: string) => void written.push(line) } });
  return { logger, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>), text: () => written.join('') };
}

const SECRET = 's3cr3t-value-0042';

describe('createLogger redaction', () => {
  it.each([
    ['a top-level token', { token: SECRET }],
    ['a nested token', { source: { token: SECRET } }],
    ["a TokenReview's spec.token", { review: { spec: { token: SECRET } } }],
    ['a bearer token option', { client: { bearerToken: SECRET } }],
    ['an Authorization header, lower case', { headers: { authorization: `Bearer ${SECRET}` } }],
    ['an Authorization header, as sent', { headers: { Authorization: `Bearer ${SECRET}` } }],
    ["a request's headers", { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
    ['a bare authorization field', { authorization: `Bearer ${SECRET}` }],
    ['a password', { influx: { password: SECRET } }],
    ['a TLS private key', { tls: { key: SECRET, cert: 'public' } }],
    ['a private key', { privateKey: SECRET }],
  ])('never writes %s', (_case, fields) => {
    const { logger, text } = capture();
    logger.info(fields, 'something happened');
    expect(text()).toContain('[redacted]');
    expect(text()).not.toContain(SECRET);
  });

  it('keeps the other fields, such as a certificate, a user name and the message', () => {
    const { logger, lines } = capture();
    logger.warn({ user: 'alice', tls: { key: SECRET, cert: 'public' } }, 'access denied');
    expect(lines()[0]).toMatchObject({ level: 40, user: 'alice', tls: { key: '[redacted]', cert: 'public' }, msg: 'access denied' });
  });

  it('redacts in child loggers as well', () => {
    const { logger, text } = capture();
    logger.child({ stage: 'auth' }).debug({ token: SECRET }, 'x');
    expect(text()).not.toContain(SECRET);
  });

  it('lists what it redacts', () => {
    expect(redactedPaths).toEqual(expect.arrayContaining(['token', '*.token', 'headers.authorization', '*.headers.authorization', 'spec.token', 'tls.key']));
  });
});
