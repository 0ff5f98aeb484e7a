import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../src/sim/args.js';
import { SimError } from '../../src/sim/errors.js';
import { parseSimUri } from '../../src/sim/uri.js';

describe('parseSimUri', () => {
  it('reads the embedded-mode parameters', () => {
    expect(parseSimUri('sim:?nodes=20&podsPerNode=30&seed=1&churn=1')).toEqual({
      nodes: 20,
      podsPerNode: 30,
      seed: 1,
      churn: { podsPerMinute: 1, restartsPerMinute: 1 },
    });
  });

  it('lets podsPerMinute and restartsPerMinute override churn', () => {
    expect(parseSimUri('sim:?churn=2&restartsPerMinute=0.5&kubeletPort=0&apiPort=8080')).toEqual({
      kubeletPort: 0,
      apiPort: 8080,
      churn: { podsPerMinute: 2, restartsPerMinute: 0.5 },
    });
  });

  it('accepts an empty URI as all defaults', () => {
    expect(parseSimUri('sim:')).toEqual({});
    expect(parseSimUri('sim:?')).toEqual({});
  });

  it.each([
    ['kubernetes:?nodes=2', 'uri'],
    ['sim:nodes=2', 'uri'],
    ['sim:?nodes=two', 'parameter'],
    ['sim:?nodes=-1', 'parameter'],
    ['sim:?podsPerNode=1.5', 'parameter'],
    ['sim:?nodez=3', 'parameter'],
    ['sim:?seed=1&seed=2', 'parameter'],
  ])('refuses %s, naming the bad %s', (uri, field) => {
    let caught: unknown;
    try {
      parseSimUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimError);
    const error = caught as SimError;
    expect(error.code).toBe('invalid_uri');
    expect(Object.keys(error.context)).toEqual([field]);
    if (field === 'parameter') expect(error.message).toContain(String(error.context.parameter));
  });
});

describe('parseSimArgs', () => {
  it('reads every flag of `npm run sim`', () => {
    expect(
      parseSimArgs(['--nodes', '100', '--pods-per-node', '30', '--api-port', '8080', '--kubelet-port', '0', '--seed', '7', '--churn-pods-per-minute', '5']),
    ).toEqual({ nodes: 100, podsPerNode: 30, apiPort: 8080, kubeletPort: 0, seed: 7, churn: { podsPerMinute: 5, restartsPerMinute: 0 } });
  });

  it('returns help for --help and nothing for no flags', () => {
    expect(parseSimArgs(['--help'])).toBe('help');
    expect(parseSimArgs([])).toEqual({});
  });

  it('names a bad flag value', () => {
    expect(() => parseSimArgs(['--nodes', 'lots'])).toThrow(/--nodes/);
    expect(() => parseSimArgs(['--kubelet-port', '-3'])).toThrow();
    expect(() => parseSimArgs(['--bogus', '1'])).toThrow(/bogus/);
  });
});
