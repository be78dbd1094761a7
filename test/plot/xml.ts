/** A small XML well-formedness check for the plots (tags nest and close, attributes quoted, entities known) and element counters. */
import assert from 'node:assert/strict';

const TOKEN = /<!--[\s\S]*?-->|<\?xml[^?]*\?>|<\/?([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?:lt|gt|amp|quot|#39|#\d+);|&/g;

/** Asserts `svg` is one well-formed XML element tree (after an optional XML declaration) whose root is <svg xmlns=…>. */
export function assertWellFormedSvg(svg: string): void {
  const stack: string[] = [];
  let root = '';
  let roots = 0;
  for (const m of svg.matchAll(TOKEN)) {
    const tok = m[0];
    if (tok.startsWith('<!--') || tok.startsWith('<?xml') || tok.startsWith('&') && tok.length > 1) continue;
    assert.ok(tok !== '<' && tok !== '&', `stray '${tok}' at offset ${m.index}: ${svg.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 40)}`);
    const name = m[1];
    if (tok.startsWith('</')) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element at offset ${m.index}`);
    } else {
      if (stack.length === 0) {
        roots++;
        root = name;
      }
      if (m[3] !== '/') stack.push(name);
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
  assert.equal(root, 'svg');
  assert.match(svg, /^(<\?xml[^?]*\?>\s*)?<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
}

/** Number of elements whose start tag matches `pattern` (e.g. /<rect class="cell"/g). */
export function count(svg: string, pattern: RegExp): number {
  return [...svg.matchAll(pattern)].length;
}

/** The text contents of the <text> elements with this class, in order. */
export function texts(svg: string, cls: string): string[] {
  const re = new RegExp(`<text [^>]*class="${cls}"[^>]*>([^<]*)</text>`, 'g');
  return [...svg.matchAll(re)].map((m) => m[1]);
}

/** The number of x,y pairs in the points attribute of the polyline whose data-series is `key`. */
export function pointsOf(svg: string, key: string): number {
  const m = new RegExp(`<polyline [^>]*data-series="${key}"[^>]*points="([^"]*)"`).exec(svg);
  assert.ok(m, `no series ${key}`);
  return m[1].trim() === '' ? 0 : m[1].trim().split(/\s+/).length;
}
