import { describe, expect, it } from 'vitest';
import { LabelSelectorError, parseFieldSelector, parseLabelSelector } from '../../src/core/labelSelector.js';

const NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const web = { app: 'web', tier: 'frontend', replicas: '3' };

describe('parseLabelSelector', () => {
  it.each([
    // selector, labels, matches, canonical form
    ['', web, true, ''],
    ['app=web', web, true, 'app=web'],
    ['app==web', web, true, 'app==web'],
    ['app=db', web, false, 'app=db'],
    ['app!=db', web, true, 'app!=db'],
    ['app!=web', web, false, 'app!=web'],
    ['missing!=x', web, true, 'missing!=x'],
    ['app in (web,db)', web, true, 'app in (db,web)'],
    ['app in (db)', web, false, 'app in (db)'],
    ['missing in (x)', web, false, 'missing in (x)'],
    ['app notin (db)', web, true, 'app notin (db)'],
    ['app notin (web)', web, false, 'app notin (web)'],
    ['missing notin (x)', web, true, 'missing notin (x)'],
    ['app', web, true, 'app'],
    ['missing', web, false, 'missing'],
    ['!missing', web, true, '!missing'],
    ['!app', web, false, '!app'],
    ['replicas>2', web, true, 'replicas>2'],
    ['replicas>3', web, false, 'replicas>3'],
    ['replicas<4', web, true, 'replicas<4'],
    ['app>1', web, false, 'app>1'],
    ['tier=frontend,app=web', web, true, 'app=web,tier=frontend'],
    ['tier=frontend,app=db', web, false, 'app=db,tier=frontend'],
    ['  app = web ,\ttier\nin ( frontend , backend )  ', web, true, 'app=web,tier in (backend,frontend)'],
    ['app=', { app: '' }, true, 'app='],
    ['app=', web, false, 'app='],
    ['x in (foo,,baz),y,z notin ()', { x: '', y: '1' }, true, 'x in (,baz,foo),y,z notin ()'],
    ['in in (in),notin notin (notin)', { in: 'in' }, true, 'in in (in),notin notin (notin)'],
    ['example.com/role=db', { 'example.com/role': 'db' }, true, 'example.com/role=db'],
    ['app', undefined, false, 'app'],
    ['!app', undefined, true, '!app'],
  ] as const)('%j against %j matches: %s (canonical %j)', (text, labels, expected, canonical) => {
    const selector = parseLabelSelector(text);
    expect(selector.matches(labels)).toBe(expected);
    expect(selector.toString()).toBe(canonical);
    expect(selector.empty).toBe(text === '');
  });

  it.each([
    ['a b', 2, 'b', "found 'b', expected: in, notin, =, ==, !=, >, <"],
    ['a=b c', 4, 'c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b=c', 3, '=', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', 2, '=', "found '=', expected: ',' or 'end of string'"],
    ['a=b,', 4, '', "found '', expected: identifier after ','"],
    [',a', 0, ',', "found ',', expected: !, identifier, or 'end of string'"],
    ['!', 1, '', "found '', expected: identifier"],
    ['a=(', 2, '(', "found '(', expected: identifier"],
    ['a in x', 5, 'x', "found 'x', expected: '('"],
    ['a in (x', 7, '', "found '', expected: ',' or ')'"],
    ['a in (x y)', 8, 'y', "found 'y', expected: ',' or ')'"],
    ['a in (=)', 6, '=', "found '=', expected: ',', ')' or identifier"],
    ['-a=b', 0, '-a', `invalid key "-a": name part ${NAME_RULE}`],
    ['a/b/c', 0, 'a/b/c', `invalid key "a/b/c": a qualified name ${NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['/a', 0, '/a', 'invalid key "/a": prefix part must be non-empty'],
    ['Example.com/a', 0, 'Example.com/a', `invalid key "Example.com/a": prefix part ${SUBDOMAIN_RULE}`],
    ['example.com/', 0, 'example.com/', `invalid key "example.com/": name part must be non-empty; name part ${NAME_RULE}`],
    [`${'k'.repeat(64)}=v`, 0, 'k'.repeat(64), `invalid key "${'k'.repeat(64)}": name part must be no more than 63 characters`],
    ['a=-b', 2, '-b', `invalid value "-b" for key "a": ${VALUE_RULE}`],
    [`a=${'v'.repeat(64)}`, 2, 'v'.repeat(64), `invalid value "${'v'.repeat(64)}" for key "a": must be no more than 63 characters`],
    ['a in (ok,bad!)', 12, '!', "found '!', expected: ',' or ')'"],
    ['a>b', 2, 'b', `invalid value "b" for key "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a<99999999999999999999', 2, '99999999999999999999', `invalid value "99999999999999999999" for key "a": for 'Gt', 'Lt' operators, the value must be an integer`],
  ] as const)('rejects %j at position %i (token %j)', (text, position, token, detail) => {
    let caught: unknown;
    try {
      parseLabelSelector(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LabelSelectorError);
    const error = caught as LabelSelectorError;
    expect({ code: error.code, selectorKind: error.selectorKind, position: error.position, token: error.token }).toEqual({
      code: 'invalid_selector',
      selectorKind: 'label',
      position,
      token,
    });
    expect(error.message).toBe(`invalid label selector ${JSON.stringify(text)} at position ${position}: ${detail}`);
  });
});

describe('parseFieldSelector', () => {
  const object = { metadata: { name: 'web-1', namespace: 'shop' }, spec: { nodeName: 'node-1', hostNetwork: false }, status: {} };

  it.each([
    ['', true, ''],
    ['metadata.name=web-1', true, 'metadata.name=web-1'],
    ['metadata.name==web-1', true, 'metadata.name=web-1'],
    ['metadata.name!=web-1', false, 'metadata.name!=web-1'],
    ['spec.nodeName=node-1,metadata.namespace=shop', true, 'metadata.namespace=shop,spec.nodeName=node-1'],
    ['spec.nodeName=node-2,metadata.namespace=shop', false, 'metadata.namespace=shop,spec.nodeName=node-2'],
    ['spec.nodeName!=', true, 'spec.nodeName!='],
    ['status.podIP=', true, 'status.podIP='],
    ['spec.hostNetwork=false', true, 'spec.hostNetwork=false'],
    ['metadata.name=a\\,b\\=c\\\\', false, 'metadata.name=a\\,b\\=c\\\\'],
  ] as const)('%j matches the object: %s (canonical %j)', (text, expected, canonical) => {
    const selector = parseFieldSelector(text);
    expect(selector.matches(object)).toBe(expected);
    expect(selector.toString()).toBe(canonical);
  });

  it('unescapes values and keeps each term', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c').requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c' }]);
  });

  it.each([
    ['metadata.name', 0, 'metadata.name', "can't understand 'metadata.name'"],
    ['a=b,c', 4, 'c', "can't understand 'c'"],
    ['=x', 0, '=x', "found '=', expected: field name"],
    ['a=b\\x', 3, '\\x', 'invalid escape sequence: \\x'],
    ['a=b\\', 3, '\\', 'invalid escape sequence: \\'],
    ['a=b=c', 3, '=', 'unescaped character in value: ='],
  ] as const)('rejects %j at position %i', (text, position, token, detail) => {
    expect(() => parseFieldSelector(text)).toThrow(
      expect.objectContaining({
        code: 'invalid_selector',
        selectorKind: 'field',
        position,
        token,
        message: `invalid field selector ${JSON.stringify(text)} at position ${position}: ${detail}`,
      }),
    );
  });
});
