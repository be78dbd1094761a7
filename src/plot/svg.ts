/** The pieces every SVG plot is written with: escaping, coordinates, the document and its title. */

/** Text made safe inside XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A coordinate with at most two decimals (keeps the files small). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A `<text>` element; `attrs` are extra attributes written as given. */
export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;
}

/** A complete SVG document of the given size around `body`, titled for screen readers and on top. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[], kind: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="backprop-plot" data-plot="${escapeXml(kind)}" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${px(width)}" height="${px(height)}" fill="white"/>`,
    text(width / 2, 20, title, 'text-anchor="middle" font-size="14" font-weight="bold" class="plot-title"'),
    ...body,
    '</svg>',
  ].join('\n');
}
