/**
 * Kubernetes label and field selectors, parsed and matched as the API server does
 * (k8s.io/apimachinery `labels.Parse` and `fields.ParseSelector`).
 *
 * Written here because no maintained npm package implements the selector grammar: the
 * JavaScript clients pass selector strings through to the server unparsed. Heapgraph needs
 * them parsed in two places: the simulator's API server filters lists and watches with them,
 * and the pipeline validates user-supplied selectors once, at the boundary.
 *
 * Grammar (label selectors):
 * ```
 * selector    ::= requirement ("," requirement)*
 * requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUE ("," VALUE)* ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 * ```
 * KEY is `[dns-subdomain "/"] name` (name ≤ 63 characters), VALUE is ≤ 63 characters of
 * `[A-Za-z0-9._-]` starting and ending alphanumeric, or empty. Whitespace separates tokens.
 * Field selectors are `field=value`, `field==value` or `field!=value` terms joined by commas.
 *
 * @module
 */

/** A parsed label selector: an AND of requirements. */
export interface LabelSelector {
  /** True when every requirement holds for `labels` (undefined labels are an empty set). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True when the selector has no requirements and so matches everything. */
  readonly empty: boolean;
  /** Canonical form, as Kubernetes prints it: requirements sorted by key, set values sorted. */
  toString(): string;
}

/** A parsed field selector: an AND of `field=value` / `field!=value` terms. */
export interface FieldSelector {
  /** True when every term holds for `object` (fields are dotted paths such as `spec.nodeName`). */
  matches(object: unknown): boolean;
  /** True when the selector has no terms and so matches everything. */
  readonly empty: boolean;
  /** The terms, in canonical (sorted) order; servers check `field` against what they support. */
  readonly requirements: readonly FieldRequirement[];
  /** Canonical form: terms sorted, values re-escaped. */
  toString(): string;
}

/** One term of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '==' | '!=';
  readonly value: string;
}

/** Why a selector was rejected (the only code: the text is not a valid selector). */
export type LabelSelectorErrorCode = 'invalid_selector';

/** A selector that does not parse; names where, and what was found there. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  readonly code: LabelSelectorErrorCode = 'invalid_selector';
  constructor(
    /** 'label' or 'field': which grammar rejected the text. */
    readonly selectorKind: 'label' | 'field',
    /** The whole selector text as received. */
    readonly selector: string,
    /** Offset (UTF-16 code units) of the offending token. */
    readonly position: number,
    /** The offending token ('' at the end of the text). */
    readonly token: string,
    /** What was wrong, in the API server's words. */
    readonly detail: string,
  ) {
    super(`invalid ${selectorKind} selector ${JSON.stringify(selector)} at position ${position}: ${detail}`);
  }
}

type Operator = 'exists' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | '>' | '<';

interface Requirement {
  key: string;
  operator: Operator;
  /** Sorted and de-duplicated, as Kubernetes keeps them. */
  values: string[];
}

type TokenKind = 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, >, <';
/** Optional blanks, then the longest operator, a word, or the end (upstream's lexer as one regex). */
const TOKEN_PATTERN = /[ \t\r\n]*(?:(==|!=|[=!(),<>])|([^ \t\r\n=!(),<>]+)|$)/y;

/** Splits the text into tokens, each with its offset. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_PATTERN.lastIndex = 0;
  for (;;) {
    // Every character is a blank, a symbol or part of a word, so the pattern always matches.
    const match = TOKEN_PATTERN.exec(text)!;
    const [whole, symbol, word] = match;
    if (symbol === undefined && word === undefined) {
      tokens.push({ kind: 'end', text: '', position: text.length });
      return tokens;
    }
    const tokenText = (symbol ?? word)!;
    const position = match.index + whole.length - tokenText.length;
    const kind = symbol !== undefined ? (symbol as TokenKind) : word === 'in' || word === 'notin' ? word : 'identifier';
    tokens.push({ kind, text: tokenText, position });
  }
}

/** Recursive-descent parser mirroring apimachinery's, so the same inputs fail the same way. */
class Parser {
  private index = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  /** In value position the keywords `in`/`notin` are plain identifiers (`a in (in)`). */
  private peek(asValue = true): Token {
    const token = this.tokens[this.index]!;
    return asValue && (token.kind === 'in' || token.kind === 'notin') ? { ...token, kind: 'identifier' } : token;
  }

  private next(asValue = true): Token {
    const token = this.peek(asValue);
    this.index++;
    return token;
  }

  private fail(token: Token, detail: string): never {
    throw new LabelSelectorError('label', this.text, token.position, token.text, detail);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return requirements;
      if (token.kind !== 'identifier' && token.kind !== '!') {
        this.fail(token, `found '${token.text}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.requirement());
      const after = this.next();
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') this.fail(after, `found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.kind !== 'identifier' && following.kind !== '!') {
        this.fail(following, `found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let keyToken = this.next();
    if (keyToken.kind === '!') {
      negated = true;
      keyToken = this.next();
    }
    if (keyToken.kind !== 'identifier') this.fail(keyToken, `found '${keyToken.text}', expected: identifier`);
    const key = keyToken.text;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) this.fail(keyToken, `invalid key ${JSON.stringify(key)}: ${keyProblem}`);
    // `!key` takes no operator: whatever follows is reported by the caller as a bad separator.
    if (negated) return { key, operator: '!', values: [] };
    const lookahead = this.peek().kind;
    if (lookahead === 'end' || lookahead === ',') return { key, operator: 'exists', values: [] };
    const opToken = this.next(false);
    let operator: Operator;
    switch (opToken.kind) {
      case 'in': case 'notin': case '=': case '==': case '!=': case '>': case '<':
        operator = opToken.kind;
        break;
      default:
        this.fail(opToken, `found '${opToken.text}', expected: ${BINARY_OPERATORS}`);
    }
    const valueTokens = operator === 'in' || operator === 'notin' ? this.valueSet() : [this.exactValue()];
    for (const token of valueTokens) {
      const where = `invalid value ${JSON.stringify(token.text)} for key ${JSON.stringify(key)}`;
      if ((operator === '>' || operator === '<') && parseInt64(token.text) === undefined) {
        this.fail(token, `${where}: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      const problem = labelValueProblem(token.text);
      if (problem) this.fail(token, `${where}: ${problem}`);
    }
    const values = [...new Set(valueTokens.map((t) => t.text))].sort();
    return { key, operator, values };
  }

  /** `(a, b, , c)`: empty members are the empty-string value, as upstream allows. */
  private valueSet(): Token[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, `found '${open.text}', expected: '('`);
    const values: Token[] = [];
    let expectValue = true;
    for (;;) {
      const token = this.next();
      if (token.kind === 'identifier' && expectValue) {
        values.push(token);
        expectValue = false;
      } else if (token.kind === ',') {
        if (expectValue) values.push({ kind: 'identifier', text: '', position: token.position });
        expectValue = true;
      } else if (token.kind === ')') {
        if (expectValue) values.push({ kind: 'identifier', text: '', position: token.position });
        return values;
      } else {
        this.fail(token, expectValue ? `found '${token.text}', expected: ',', ')' or identifier` : `found '${token.text}', expected: ',' or ')'`);
      }
    }
  }

  /** `key=` with nothing after it selects the empty value. */
  private exactValue(): Token {
    const token = this.peek();
    if (token.kind === 'end' || token.kind === ',') return { kind: 'identifier', text: '', position: token.position };
    this.index++;
    if (token.kind !== 'identifier') this.fail(token, `found '${token.text}', expected: identifier`);
    return token;
  }
}

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'exists': return has;
    case '!': return !has;
    case '=': case '==': case 'in': return has && r.values.includes(value!);
    case '!=': case 'notin': return !has || !r.values.includes(value!);
    case '>': case '<': {
      const actual = has ? parseInt64(value!) : undefined;
      const bound = parseInt64(r.values[0]!)!;
      if (actual === undefined) return false;
      return r.operator === '>' ? actual > bound : actual < bound;
    }
  }
}

function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
    default: return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/**
 * Parses a Kubernetes label selector (`app=web,tier in (a,b),!canary`). The empty string
 * selects everything.
 *
 * @throws LabelSelectorError (code `invalid_selector`) naming the position and token.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = new Parser(text, lex(text)).parse();
  // Stable sort by key gives Kubernetes' canonical order and keeps duplicates in input order.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const canonical = requirements.map(requirementToString).join(',');
  return {
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => canonical,
  };
}

// --- Key and value syntax, with apimachinery's validation messages ---------------------------

const NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const NAME_RE = new RegExp(`^${NAME_FORMAT}$`);
const NAME_MESSAGE = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${NAME_FORMAT}')`;
const SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN_FORMAT}$`);
const SUBDOMAIN_MESSAGE = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN_FORMAT}')`;
const VALUE_FORMAT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const VALUE_RE = new RegExp(`^${VALUE_FORMAT}$`);
const VALUE_MESSAGE = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${VALUE_FORMAT}')`;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, 64-bit range. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined when it is. */
function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) {
    return `a qualified name ${NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  }
  const problems: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') problems.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) problems.push('prefix part must be no more than 253 characters');
      if (!SUBDOMAIN_RE.test(prefix)) problems.push(`prefix part ${SUBDOMAIN_MESSAGE}`);
    }
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  if (!NAME_RE.test(name)) problems.push(`name part ${NAME_MESSAGE}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Why `value` is not a label value, or undefined when it is. */
function labelValueProblem(value: string): string | undefined {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!VALUE_RE.test(value)) problems.push(VALUE_MESSAGE);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

// --- Field selectors ----------------------------------------------------------------------

/**
 * The string a field selector compares against: the value at a dotted path, with numbers and
 * booleans in Go's formatting and anything missing or structured as the empty string.
 */
export function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? String(current) : '';
}

function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Splits on commas that are not escaped, keeping each term's offset for error positions. */
function splitFieldTerms(text: string): Array<{ term: string; position: number }> {
  const terms: Array<{ term: string; position: number }> = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push({ term: text.slice(start, i), position: start });
      start = i + 1;
    }
  }
  terms.push({ term: text.slice(start), position: start });
  return terms;
}

/**
 * Parses a Kubernetes field selector (`spec.nodeName=node-1,metadata.namespace!=kube-system`).
 * Values may escape `\`, `,` and `=` with a backslash. Which fields a resource supports is the
 * server's concern; see {@link FieldSelector.requirements}.
 *
 * @throws LabelSelectorError (code `invalid_selector`, selectorKind `field`).
 */
export function parseFieldSelector(text: string): FieldSelector {
  const fail = (position: number, token: string, detail: string): never => {
    throw new LabelSelectorError('field', text, position, token, detail);
  };
  const requirements: FieldRequirement[] = [];
  for (const { term, position } of splitFieldTerms(text)) {
    if (term === '') continue;
    const match = /!=|==|=/.exec(term);
    if (!match) return fail(position, term, `can't understand '${term}'`);
    const field = term.slice(0, match.index);
    if (field === '') fail(position, term, `found '${match[0]}', expected: field name`);
    const operator = match[0] as FieldRequirement['operator'];
    const rawStart = match.index + operator.length;
    let value = '';
    for (let i = rawStart; i < term.length; i++) {
      const c = term[i]!;
      if (c === '\\') {
        const escaped = term[i + 1];
        if (escaped !== '\\' && escaped !== ',' && escaped !== '=') {
          fail(position + i, `\\${escaped ?? ''}`, `invalid escape sequence: \\${escaped ?? ''}`);
        }
        value += escaped;
        i++;
      } else if (c === '=') {
        fail(position + i, c, `unescaped character in value: ${c}`);
      } else value += c;
    }
    requirements.push({ field, operator, value });
  }
  const termString = (r: FieldRequirement): string => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`;
  requirements.sort((a, b) => (termString(a) < termString(b) ? -1 : termString(a) > termString(b) ? 1 : 0));
  const canonical = requirements.map(termString).join(',');
  return {
    empty: requirements.length === 0,
    requirements,
    matches: (object) =>
      requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator !== '!=')),
    toString: () => canonical,
  };
}
