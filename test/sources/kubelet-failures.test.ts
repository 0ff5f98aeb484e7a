import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.js';
import { abortError, connectionError } from '../../src/sources/kubelet/failures.js';

const URL = 'http://10.0.0.7:10255/stats/summary/';

function errno(message: string, code?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('kubelet transport failures', () => {
  it('names the URL, the cause and its errno in a connection error', () => {
    const error = connectionError(errno('connect ECONNREFUSED 10.0.0.7:10255', 'ECONNREFUSED'), URL);
    expect(error).toMatchObject({ code: 'connection', context: { url: URL, errno: 'ECONNREFUSED' } });
    expect(error.message).toBe(`request to ${URL} failed: connect ECONNREFUSED 10.0.0.7:10255`);
  });

  it('spells out the parts of an AggregateError whose own message is empty', () => {
    const aggregate = Object.assign(
      new AggregateError([errno('connect ECONNREFUSED ::1:10255'), errno('connect ECONNREFUSED 127.0.0.1:10255')], ''),
      { code: 'ECONNREFUSED' },
    );
    expect(connectionError(aggregate, URL).message).toBe(
      `request to ${URL} failed: connect ECONNREFUSED ::1:10255; connect ECONNREFUSED 127.0.0.1:10255`,
    );
  });

  it('falls back to the errno when there is no message at all', () => {
    expect(connectionError(errno('', 'EPIPE'), URL).message).toBe(`request to ${URL} failed: EPIPE`);
  });

  it('turns a plain abort into a timeout naming the URL', () => {
    const controller = new AbortController();
    controller.abort();
    const error = abortError(controller.signal, URL);
    expect(error).toMatchObject({ code: 'timeout', context: { url: URL } });
    expect(error.message).toBe(`request to ${URL} aborted: This operation was aborted`);
  });

  it('uses a SourceError abort reason as the error itself', () => {
    const reason = new SourceError('timeout', 'cycle deadline passed');
    expect(abortError(AbortSignal.abort(reason), URL)).toBe(reason);
  });
});
