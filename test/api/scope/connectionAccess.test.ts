import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UNRESTRICTED, type AccessControl, type AccessDecision } from '../../../src/api/auth/types.js';
import { connectionParamsToken, decideConnection } from '../../../src/api/graphql/subscriptions/access.js';

function upgrade(authorization?: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  if (authorization !== undefined) req.headers.authorization = authorization;
  return req;
}

const allowed: AccessDecision = { ok: true, caller: { user: 'alice', groups: [], via: 'token' }, scope: UNRESTRICTED };
const refused: AccessDecision = { ok: false, status: 401, message: 'Unauthorized' };

/** An AccessControl answering `byRequest` for requests and `byToken` for tokens, recording the tokens it reviewed. */
function control(byRequest: AccessDecision | Error, byToken: AccessDecision | Error = allowed) {
  const tokens: string[] = [];
  const answer = (decision: AccessDecision | Error) => (decision instanceof Error ? Promise.reject(decision) : Promise.resolve(decision));
  const access: AccessControl = {
    check: () => answer(byRequest),
    checkToken: (token) => (tokens.push(token), answer(byToken)),
  };
  return { access, tokens };
}

describe('connectionParamsToken', () => {
  it('reads a bearer token under either key case and any scheme case', () => {
    expect(connectionParamsToken({ Authorization: 'Bearer abc.def' })).toBe('abc.def');
    expect(connectionParamsToken({ authorization: 'bearer  abc ' })).toBe('abc');
  });

  it('finds none without a bearer credential', () => {
    expect(connectionParamsToken(undefined)).toBeUndefined();
    expect(connectionParamsToken({})).toBeUndefined();
    expect(connectionParamsToken({ Authorization: 'Basic YWxpY2U6cHc=' })).toBeUndefined();
    expect(connectionParamsToken({ Authorization: 'Bearer' })).toBeUndefined();
    expect(connectionParamsToken({ Authorization: 'Bearer a b' })).toBeUndefined();
    expect(connectionParamsToken({ Authorization: ['Bearer abc'] })).toBeUndefined();
  });
});

describe('decideConnection', () => {
  it('takes the upgrade request\'s decision when it allows', async () => {
    const { access, tokens } = control(allowed, refused);
    expect(await decideConnection(access, upgrade(), { Authorization: 'Bearer other' })).toBe(allowed);
    expect(tokens).toEqual([]);
  });

  it('reviews the connectionParams token when the upgrade had no Authorization header', async () => {
    const { access, tokens } = control(refused, allowed);
    expect(await decideConnection(access, upgrade(), { Authorization: 'Bearer t1' })).toBe(allowed);
    expect(tokens).toEqual(['t1']);
  });

  it('keeps a refused Authorization header\'s decision, whatever connectionParams carry', async () => {
    const { access, tokens } = control(refused, allowed);
    expect(await decideConnection(access, upgrade('Bearer bad'), { Authorization: 'Bearer good' })).toBe(refused);
    expect(tokens).toEqual([]);
  });

  it('keeps the refusal when there is no token anywhere', async () => {
    const { access } = control(refused);
    expect(await decideConnection(access, upgrade(), undefined)).toBe(refused);
  });

  it('turns a reviewer that throws into a failed review, not an allowed one', async () => {
    expect(await decideConnection(control(new Error('connect ECONNREFUSED')).access, upgrade(), undefined)).toEqual({ ok: false, status: 500, message: 'connect ECONNREFUSED' });
    expect(await decideConnection(control(refused, new Error('timeout')).access, upgrade(), { authorization: 'Bearer t' })).toEqual({ ok: false, status: 500, message: 'timeout' });
  });
});
