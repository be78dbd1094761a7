/**
 * The explanation as a document — titled sections of text lines and tables of strings — built once
 * from an ExplainRecord and then rendered as a terminal table, Markdown or HTML. The numbers are
 * printed with 6 significant digits.
 */
import { sup } from './notation.js';
import type { ExplainLayer, ExplainRecord, Matrix } from './types.js';

/** A table: an optional caption, a header row and rows of cells. */
export interface DocTable {
  readonly kind: 'table';
  readonly caption: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A paragraph of text. */
export interface DocText {
  readonly kind: 'text';
  readonly text: string;
}

/** A titled section. */
export interface DocSection {
  readonly title: string;
  readonly blocks: readonly (DocTable | DocText)[];
}

/** A document: a title and its sections. */
export interface ExplainDocument {
  readonly title: string;
  readonly sections: readonly DocSection[];
}

/** A number with 6 significant digits, without trailing zeros ('0.880797', '2.5', '-1.2e-7'). */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

const text = (t: string): DocText => ({ kind: 'text', text: t });

/** Rows of (sample?, neuron, columns…) for per-neuron matrices [sample][neuron]. */
function neuronTable(caption: string, columns: [string, Matrix][], m: number): DocTable {
  const header = [...(m > 1 ? ['sample'] : []), 'neuron', ...columns.map(([h]) => h)];
  const rows: string[][] = [];
  for (let s = 0; s < m; s++) {
    const n = columns[0][1][s].length;
    for (let j = 0; j < n; j++) rows.push([...(m > 1 ? [String(s + 1)] : []), String(j + 1), ...columns.map(([, a]) => formatNumber(a[s][j]))]);
  }
  return { kind: 'table', caption, header, rows };
}

/** W [out][in] with b as a last column, one row per neuron j. */
function weightTable(caption: string, w: Matrix, b: number[] | null, wName: string, bName: string): DocTable {
  const header = ['neuron', ...w[0].map((_, i) => `${wName}[j,${i + 1}]`), ...(b ? [bName] : [])];
  const rows = w.map((row, j) => [String(j + 1), ...row.map(formatNumber), ...(b ? [formatNumber(b[j])] : [])]);
  return { kind: 'table', caption, header, rows };
}

function forwardLayer(l: ExplainLayer, m: number): (DocTable | DocText)[] {
  const k = l.k;
  return [
    text(`Layer ${k} (module '${l.name}'): Linear(${l.inFeatures}→${l.outFeatures}) then ${l.activation}: z⁽${sup(k)}⁾ = W⁽${sup(k)}⁾ y⁽${sup(k - 1)}⁾ + b⁽${sup(k)}⁾, y⁽${sup(k)}⁾ = f(z⁽${sup(k)}⁾)`),
    weightTable(`W⁽${sup(k)}⁾ and b⁽${sup(k)}⁾`, l.weight, l.bias, 'W', 'b'),
    neuronTable(`z⁽${sup(k)}⁾ and y⁽${sup(k)}⁾`, [[`z⁽${sup(k)}⁾`, l.z], [`y⁽${sup(k)}⁾`, l.y]], m),
  ];
}

function backwardLayer(l: ExplainLayer, m: number, below: string): (DocTable | DocText)[] {
  const k = l.k;
  return [
    text(`Layer ${k} (${l.activation}, f′(z) = ${l.derivative}): δ⁽${sup(k)}⁾ = ∂Div/∂z⁽${sup(k)}⁾ = f′(z⁽${sup(k)}⁾) ⊙ ∂Div/∂y⁽${sup(k)}⁾`),
    neuronTable(`∂Div/∂y⁽${sup(k)}⁾, f′(z⁽${sup(k)}⁾) and δ⁽${sup(k)}⁾`, [[`∂Div/∂y⁽${sup(k)}⁾`, l.dDivDy], [`f′(z⁽${sup(k)}⁾)`, l.fPrime], [`∂Div/∂z⁽${sup(k)}⁾`, l.dDivDz]], m),
    weightTable(`∂Div/∂W⁽${sup(k)}⁾ = δ⁽${sup(k)}⁾ ${below}ᵀ${m > 1 ? ' (summed over the batch)' : ''} and ∂Div/∂b⁽${sup(k)}⁾ = δ⁽${sup(k)}⁾`, l.dDivDW, l.dDivDb, '∂Div/∂W', '∂Div/∂b'),
  ];
}

/** The document of an explanation: input, forward pass, loss, backward pass, checks. */
export function explainDocument(r: ExplainRecord, title = 'Back-propagation, written out'): ExplainDocument {
  const m = r.input.length;
  const top = r.layers[r.layers.length - 1];
  const inputCols: [string, Matrix][] = [['y⁽⁰⁾ = x', r.input]];
  const forward: (DocTable | DocText)[] = [
    text(`${m} sample${m === 1 ? '' : 's'}, ${r.layers.length} layer${r.layers.length === 1 ? '' : 's'}${r.skipped.length ? ` (passed over: ${r.skipped.join(', ')})` : ''}.`),
    neuronTable('Layer 0: the input', inputCols, m),
    ...r.layers.flatMap((l) => forwardLayer(l, m)),
  ];
  const lossBlocks: (DocTable | DocText)[] = [
    text(`${r.loss.formula} = ${formatNumber(r.loss.value)}`),
    neuronTable(`output y⁽${sup(top.k)}⁾ and target d`, [[`y⁽${sup(top.k)}⁾`, top.y], ['d', r.target]], m),
  ];
  const backward: (DocTable | DocText)[] = [
    text(`At the output: ${r.loss.gradient}.`),
    ...[...r.layers].reverse().flatMap((l) => backwardLayer(l, m, `y⁽${sup(l.k - 1)}⁾`)),
    text(`Layer 0: ∂Div/∂y⁽⁰⁾ = W⁽¹⁾ᵀ δ⁽¹⁾`),
    neuronTable('∂Div/∂x', [['∂Div/∂y⁽⁰⁾', r.dDivDInput]], m),
  ];
  const checks: DocTable = {
    kind: 'table',
    caption: 'every gradient above is autograd\'s; each formula evaluated on its own agrees with it',
    header: ['formula', 'max |autograd − formula|', 'agrees'],
    rows: r.checks.map((c) => [c.what, formatNumber(c.maxAbsDiff), c.ok ? 'yes' : 'NO']),
  };
  return {
    title,
    sections: [
      { title: 'Forward pass', blocks: forward },
      { title: 'Divergence', blocks: lossBlocks },
      { title: 'Backward pass', blocks: backward },
      { title: 'Checks', blocks: [checks] },
    ],
  };
}
