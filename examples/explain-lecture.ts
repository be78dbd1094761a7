/**
 * The lecture's worked back-propagation example, written out by `explain`: the 1-2-1 sigmoid
 * network y1 = σ(0.5x + 1), y2 = σ(x + 0.5), z = σ(0.5y1 + 0.5y2 + 0.25) with E = ½(z − 1)².
 * It prints every z and y of the forward pass, then ∂E/∂y, f′(z), δ = ∂E/∂z, ∂E/∂W = δ yᵀ and
 * ∂E/∂b = δ layer by layer — all from the library's autograd, each checked against its formula —
 * and finally the lecture's answer: the gradient of E with respect to the weight connecting x and y2,
 * (z − t)·σ′(u)·0.5·σ′(u2)·x.
 *
 * Run: npx tsx --conditions=source examples/explain-lecture.ts [x]
 */
import { pathToFileURL } from 'node:url';
import { explain, explainPreset, formatExplain } from 'backprop';

/** What the example prints and returns. */
export interface LectureExplanation {
  /** The printed table. */
  text: string;
  /** ∂E/∂w for the weight connecting x and y2. */
  dEdw: number;
  /** Whether every formula agreed with autograd. */
  allChecksAgree: boolean;
}

/** Explains the lecture's network at input x (default 2) and prints it with `print`. */
export function explainLecture(x = 2, print: (line: string) => void = console.log): LectureExplanation {
  const p = explainPreset('lecture');
  const record = explain(p.model, [[x]], p.target, { loss: p.loss });
  const text = formatExplain(record, 'table', `The lecture's example at x = ${x}`);
  const dEdw = record.layers[0].dDivDW[1][0];
  print(text);
  print(`∂E/∂w for the weight connecting x and y2 = δ⁽¹⁾₂ · x = ${dEdw.toPrecision(6)}`);
  return { text, dEdw, allChecksAgree: record.checks.every((c) => c.ok) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  explainLecture(process.argv[2] === undefined ? 2 : Number(process.argv[2]));
}
