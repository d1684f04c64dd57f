/**
 * JSON.parse for files that may hold secrets (client registry, configuration). V8's syntax
 * errors quote the text around the mistake (`Unexpected token 's', "{"client_secret": s...`), so
 * the error names only the line and column of the first mistake, found by a small scanner.
 */
export class JsonSyntaxError extends SyntaxError {
  override readonly name = 'JsonSyntaxError';
  readonly code = 'ERR_JSON_SYNTAX' as const;
  constructor(readonly where: string, readonly line: number, readonly column: number) {
    super(`${where}: not valid JSON (line ${line}, column ${column})`);
  }
}

/** Parses `text`; on a syntax error throws a JsonSyntaxError that quotes nothing of it. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const offset = firstSyntaxError(text);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i += 1) {
      if (text.charCodeAt(i) === 10) {
        line += 1;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(where, line, offset - lineStart + 1);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The offset of the first character at which `text` stops being RFC 8259 JSON. */
function firstSyntaxError(text: string): number {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  };
  const fail = (): never => {
    throw i;
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i += 1;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) {
          i += 1;
          fail();
        }
        i = ESCAPE.lastIndex;
      } else i += 1;
    }
  };
  const value = (depth: number): void => {
    if (depth > 512) fail();
    skip();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i += 1;
      skip();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        if (close === '}') {
          skip();
          string();
          skip();
          if (text[i] !== ':') fail();
          i += 1;
        }
        value(depth + 1);
        skip();
        if (text[i] === ',') i += 1;
        else if (text[i] === close) {
          i += 1;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value(0);
    skip();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  // JSON.parse refused what the scanner accepts (nesting too deep for V8, say): point at the start.
  return 0;
}
