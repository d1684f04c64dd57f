import { describe, expect, it } from '@jest/globals';
import { JsonSyntaxError, parseJsonText } from '../../src/lib/json-text.js';

const SECRET = 'hunter2-Sup3rS3cret';

describe('parseJsonText(text, where)', () => {
  it('parses what JSON.parse parses', () => {
    const text = `{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}`;
    expect(parseJsonText(text, 'f')).toEqual(JSON.parse(text));
  });

  // Each line: the text, then the 1-based line and column of the first mistake.
  it.each([
    [`{\n  "client_secret": ${SECRET}\n}`, 2, 20],
    [`{\n  "client_secret": "${SECRET}" x\n}`, 2, 42],
    [`{"store": "redis://:${SECRET}@host"`, 1, 46],
    [`{"a": "${SECRET}",}`, 1, 29],
    [`{"a": "${SECRET}\n"}`, 1, 27],
    [`{"a": 01, "s": "${SECRET}"}`, 1, 8],
    [`{"a": tru, "s": "${SECRET}"}`, 1, 7],
    [`{"s": "${SECRET}"} trailing`, 1, 30],
    [``, 1, 1],
    [`{"s": "\\x${SECRET}"}`, 1, 9],
  ])('names line and column, and never quotes the text: %j', (text, line, column) => {
    let v8: string | undefined;
    try {
      JSON.parse(text);
    } catch (caught) {
      v8 = (caught as Error).message;
    }
    expect(v8).toBeDefined();
    // Oracle: where V8 gives a position, ours is the same character.
    const position = /at position (\d+)/.exec(v8!)?.[1];
    if (position !== undefined && line === 1) expect(column).toBe(Number(position) + 1);
    let error: unknown;
    try {
      parseJsonText(text, 'clients.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).code).toBe('ERR_JSON_SYNTAX');
    expect((error as Error).message).toBe(`clients.json: not valid JSON (line ${line}, column ${column})`);
    expect((error as Error).message).not.toContain(SECRET.slice(0, 4));
  });
});
