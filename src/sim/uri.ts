/**
 * The embedded-mode source URI: `sim:?nodes=20&podsPerNode=30&seed=1&churn=1`.
 *
 * @module
 */
import { SimError } from './errors.js';
import type { SimStartOptions } from './index.js';

type NumericOption = 'nodes' | 'podsPerNode' | 'seed' | 'kubeletPort' | 'apiPort' | 'podsPerMinute' | 'restartsPerMinute' | 'churn';

/** Parameters and whether each takes only whole numbers. */
const parameters: Readonly<Record<NumericOption, 'integer' | 'number'>> = {
  nodes: 'integer',
  podsPerNode: 'integer',
  seed: 'integer',
  kubeletPort: 'integer',
  apiPort: 'integer',
  churn: 'number',
  podsPerMinute: 'number',
  restartsPerMinute: 'number',
};

const integerPattern = /^\d+$/;
const numberPattern = /^\d+(?:\.\d+)?$/;

/**
 * Parses a `sim:` URI into start options. `churn=N` means N pod replacements and N container
 * restarts per minute; `podsPerMinute` / `restartsPerMinute` set either one. Values are range
 * checked when the cluster starts; here they must be plain non-negative numbers.
 */
export function parseSimUri(uri: string): SimStartOptions {
  if (typeof uri !== 'string' || !uri.startsWith('sim:')) {
    throw new SimError('invalid_uri', `a simulated cluster URI starts with "sim:", received ${JSON.stringify(uri)}`, { uri: String(uri) });
  }
  const rest = uri.slice('sim:'.length);
  const query = rest.startsWith('?') ? rest.slice(1) : rest === '' || rest === '//' ? '' : undefined;
  if (query === undefined) {
    throw new SimError('invalid_uri', `a simulated cluster URI has only query parameters (sim:?nodes=20), received ${JSON.stringify(uri)}`, { uri });
  }
  const values: Partial<Record<NumericOption, number>> = {};
  for (const [name, raw] of new URLSearchParams(query)) {
    const kind = Object.hasOwn(parameters, name) ? parameters[name as NumericOption] : undefined;
    if (kind === undefined) {
      throw new SimError('invalid_uri', `unknown sim parameter ${JSON.stringify(name)} (known: ${Object.keys(parameters).join(', ')})`, { parameter: name });
    }
    if (Object.hasOwn(values, name)) {
      throw new SimError('invalid_uri', `sim parameter ${name} is given twice`, { parameter: name });
    }
    if (!(kind === 'integer' ? integerPattern : numberPattern).test(raw)) {
      throw new SimError('invalid_uri', `sim parameter ${name} must be a non-negative ${kind}, received ${JSON.stringify(raw)}`, { parameter: name });
    }
    values[name as NumericOption] = Number(raw);
  }
  const { churn, podsPerMinute = churn, restartsPerMinute = churn, ...sizes } = values;
  const options: SimStartOptions = { ...sizes };
  if (podsPerMinute !== undefined || restartsPerMinute !== undefined) {
    options.churn = {
      ...(podsPerMinute !== undefined ? { podsPerMinute } : {}),
      ...(restartsPerMinute !== undefined ? { restartsPerMinute } : {}),
    };
  }
  return options;
}
