/**
 * Cross-checks of explain(): every gradient autograd gave is recomputed from the lecture's
 * formulas (in float64, from the recorded forward values and weights) and compared.
 */
import { sup } from './notation.js';
import type { ExplainCheck, ExplainLayer, Matrix } from './types.js';
import { columnSums, compare, matmul, transpose, zipWith } from './matrix.js';

function check(what: string, autograd: Matrix, formula: Matrix, tolerance: number): ExplainCheck {
  const { maxAbsDiff, scale } = compare(autograd, formula);
  return { what, maxAbsDiff, ok: maxAbsDiff <= tolerance * Math.max(scale, 1e-6) };
}

/** The checks of one layer k: δ = f′(z) ⊙ ∂Div/∂y, ∂Div/∂W = δ yᵀ, ∂Div/∂b = δ, ∂Div/∂y⁽ᵏ⁻¹⁾ = Wᵀδ. */
export function layerChecks(layer: ExplainLayer, below: Matrix, dDivDBelow: Matrix, tolerance: number): ExplainCheck[] {
  const k = layer.k;
  const out: ExplainCheck[] = [];
  out.push(check(`∂Div/∂z⁽${sup(k)}⁾ = f′(z⁽${sup(k)}⁾) ⊙ ∂Div/∂y⁽${sup(k)}⁾`, layer.dDivDz, zipWith(layer.fPrime, layer.dDivDy, (a, b) => a * b), tolerance));
  out.push(check(`∂Div/∂W⁽${sup(k)}⁾ = δ⁽${sup(k)}⁾ y⁽${sup(k - 1)}⁾ᵀ (summed over the batch)`, layer.dDivDW, matmul(transpose(layer.dDivDz), below), tolerance));
  if (layer.dDivDb) out.push(check(`∂Div/∂b⁽${sup(k)}⁾ = δ⁽${sup(k)}⁾ (summed over the batch)`, [layer.dDivDb], [columnSums(layer.dDivDz)], tolerance));
  out.push(check(`∂Div/∂y⁽${sup(k - 1)}⁾ = W⁽${sup(k)}⁾ᵀ δ⁽${sup(k)}⁾`, dDivDBelow, matmul(layer.dDivDz, layer.weight), tolerance));
  return out;
}

/** The check of the output gradient against the divergence's closed form. */
export function outputCheck(k: number, gradient: string, autograd: Matrix, formula: Matrix, tolerance: number): ExplainCheck {
  return check(`∂Div/∂y⁽${sup(k)}⁾: ${gradient}`, autograd, formula, tolerance);
}
