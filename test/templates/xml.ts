/**
 * A small XML 1.0 well-formedness check for the IIS web.config (no XML parser ships with the
 * project): one root element, properly nested and closed tags, quoted unique attributes, comments
 * without "--", text without "<" or a bare "&". Returns the problems found, empty when well-formed.
 */
export function xmlProblems(source: string): string[] {
  const problems: string[] = [];
  let text = source.replace(/^\uFEFF?<\?xml[^?]*\?>/, '');
  text = text.replace(/<!--([\s\S]*?)-->/g, (_whole, body: string) => {
    if (body.includes('--') || body.endsWith('-')) problems.push('a comment contains "--"');
    return '';
  });
  if (text.includes('<!--')) problems.push('an unclosed comment');
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  let at = 0;
  while (at < text.length) {
    const next = text.indexOf('<', at);
    const chunk = next < 0 ? text.slice(at) : text.slice(at, next);
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) problems.push(`a bare "&" in text near ${JSON.stringify(chunk.trim().slice(0, 40))}`);
    if (stack.length === 0 && chunk.trim() !== '') problems.push(`text outside the root element: ${JSON.stringify(chunk.trim().slice(0, 40))}`);
    if (next < 0) break;
    tag.lastIndex = next;
    const match = tag.exec(text);
    if (!match) { problems.push(`a malformed tag at ${JSON.stringify(text.slice(next, next + 40))}`); break; }
    const [whole, closing, name, attributes, selfClosing] = match;
    const names = [...attributes!.matchAll(/([A-Za-z_][\w.:-]*)\s*=/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length) problems.push(`repeated attribute in <${name}>`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClosing) stack.push(name!);
    }
    at = next + whole!.length;
  }
  if (stack.length) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
