/** Colours of the plots: a categorical palette for series and classes, and colour maps for heat maps. */

/** Ten well-separated colours (matplotlib's tab10), cycled for series and classes. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

/** The palette colour of series or class `i`. */
export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** A colour map: t in [0, 1] to a CSS colour. */
export type ColorMap = (t: number) => string;

type RGB = readonly [number, number, number];

function hex(c: RGB): string {
  return `#${c.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** A map that interpolates linearly between evenly spaced colour stops. */
function fromStops(stops: readonly RGB[]): ColorMap {
  return (t: number) => {
    const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
    const pos = u * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(pos));
    const f = pos - i;
    const a = stops[i];
    const b = stops[i + 1];
    return hex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
  };
}

/** Sequential map for counts and activations, dark purple → yellow (stops of viridis). */
export const sequential: ColorMap = fromStops([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]);

/** Diverging map for signed values, blue → white → red (0.5 is white, i.e. zero on a symmetric range). */
export const diverging: ColorMap = fromStops([[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]]);

/** Whether dark text reads better than white on the sequential map at t. */
export function darkTextOn(t: number): boolean {
  return t > 0.55;
}

/** A light tint of a palette colour (class regions behind points). */
export function tint(color: string, amount = 0.7): string {
  const v = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  return hex([v[0] + (255 - v[0]) * amount, v[1] + (255 - v[1]) * amount, v[2] + (255 - v[2]) * amount]);
}
