/** A small XML well-formedness check for the tests: tags balance, attributes are quoted, entities are known. */
import assert from 'node:assert/strict';

/** Throws unless `text` is one well-formed XML document (declaration, comments and one root element). */
export function assertWellFormedXml(text: string): void {
  const stack: string[] = [];
  let roots = 0;
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  let last = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    const between = body.slice(last, m.index);
    if (stack.length === 0) assert.match(between, /^\s*$/, `text outside the root element: ${between.slice(0, 40)}`);
    last = token.lastIndex;
    if (m[0].startsWith('<!--')) continue;
    if (m[0] === '<') assert.fail(`a bare '<' or a malformed tag at ${m.index}: ${body.slice(m.index, m.index + 60)}`);
    if (m[0] === '&') assert.fail(`an unescaped '&' at ${m.index}: ${body.slice(m.index, m.index + 30)}`);
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  assert.match(body.slice(last), /^\s*$/, 'text after the root element');
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
}
