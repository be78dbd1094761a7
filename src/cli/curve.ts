/** A loss/accuracy curve of a training History as a standalone SVG file. */
import type { EpochLogs } from '../train/fit.js';

const COLORS: Record<string, string> = { loss: '#1f77b4', valLoss: '#aec7e8', accuracy: '#d62728', valAccuracy: '#ff9896' };

/** Renders loss (left axis) and accuracy (right axis, 0–1) per epoch as SVG. */
export function curveSvg(epochs: readonly EpochLogs[], title: string): string {
  const W = 640, H = 380, L = 60, R = 60, T = 56, B = 40;
  const pw = W - L - R, ph = H - T - B;
  const n = epochs.length;
  const xs = (i: number) => L + (n <= 1 ? pw / 2 : (i / (n - 1)) * pw);
  const lossKeys = ['loss', 'valLoss'].filter((k) => epochs.some((e) => k in e));
  const accKeys = ['accuracy', 'valAccuracy'].filter((k) => epochs.some((e) => k in e));
  const lossMax = Math.max(1e-9, ...epochs.flatMap((e) => lossKeys.map((k) => e[k]).filter(Number.isFinite)));
  const yLoss = (v: number) => T + ph - (v / lossMax) * ph;
  const yAcc = (v: number) => T + ph - v * ph;
  const line = (k: string, y: (v: number) => number) => {
    const pts = epochs.map((e, i) => (Number.isFinite(e[k]) ? `${xs(i).toFixed(1)},${y(e[k]).toFixed(1)}` : '')).filter(Boolean).join(' ');
    return `<polyline fill="none" stroke="${COLORS[k]}" stroke-width="2" points="${pts}"/>`;
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${L}" y1="${T + ph}" x2="${L + pw}" y2="${T + ph}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="#333"/>`,
    ...ticks.map((t) => `<text x="${L - 6}" y="${(T + ph - t * ph + 4).toFixed(1)}" text-anchor="end">${(t * lossMax).toPrecision(2)}</text>`),
    `<text x="${L + pw / 2}" y="${H - 8}" text-anchor="middle">epoch (1–${n})</text>`,
    `<text x="14" y="${T + ph / 2}" transform="rotate(-90 14 ${T + ph / 2})" text-anchor="middle">loss</text>`,
  ];
  if (accKeys.length) {
    parts.push(`<line x1="${L + pw}" y1="${T}" x2="${L + pw}" y2="${T + ph}" stroke="#333"/>`);
    parts.push(...ticks.map((t) => `<text x="${L + pw + 6}" y="${(T + ph - t * ph + 4).toFixed(1)}">${t.toFixed(2)}</text>`));
    parts.push(`<text x="${W - 14}" y="${T + ph / 2}" transform="rotate(90 ${W - 14} ${T + ph / 2})" text-anchor="middle">accuracy</text>`);
  }
  parts.push(...lossKeys.map((k) => line(k, yLoss)), ...accKeys.map((k) => line(k, yAcc)));
  [...lossKeys, ...accKeys].forEach((k, i) => {
    // The legend sits in the top margin, clear of the curves.
    parts.push(`<rect x="${L + i * 120}" y="${T - 16}" width="14" height="4" fill="${COLORS[k]}"/>`);
    parts.push(`<text x="${L + 18 + i * 120}" y="${T - 10}">${k}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}
