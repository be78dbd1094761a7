/**
 * The record explain() returns: the forward pass (z and y of every layer, per sample and neuron)
 * and the backward pass in the lecture's notation, every gradient read from the library's autograd,
 * and the cross-checks of those gradients against the lecture's formulas.
 */

/** A matrix of plain numbers, rows first: [sample][neuron] for activations, [out][in] for weights. */
export type Matrix = number[][];

/** The divergences explain() knows the gradient formula of. */
export type ExplainLoss = 'l2' | 'mse' | 'crossEntropy' | 'binaryCrossEntropy';

/** One layer k: z⁽ᵏ⁾ = W⁽ᵏ⁾ y⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾, y⁽ᵏ⁾ = f(z⁽ᵏ⁾), and its gradients. */
export interface ExplainLayer {
  /** k, counting from 1 (layer 0 is the input). */
  readonly k: number;
  /** The module path of its Linear in the model ('0', 'layers.2', …). */
  readonly name: string;
  /** The activation f ('sigmoid', 'tanh', 'relu', 'leakyRelu', 'softplus', 'elu', 'identity'). */
  readonly activation: string;
  /** f′ as a formula, e.g. 'σ(z)(1 − σ(z))'. */
  readonly derivative: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** W⁽ᵏ⁾, [out][in] (row j holds the weights into neuron j). */
  readonly weight: Matrix;
  /** b⁽ᵏ⁾, or null for a Linear without bias. */
  readonly bias: number[] | null;
  /** z⁽ᵏ⁾ [sample][neuron]. */
  readonly z: Matrix;
  /** y⁽ᵏ⁾ = f(z⁽ᵏ⁾) [sample][neuron]. */
  readonly y: Matrix;
  /** ∂Div/∂y⁽ᵏ⁾ from autograd [sample][neuron]. */
  readonly dDivDy: Matrix;
  /** f′(z⁽ᵏ⁾) from the derivative formula [sample][neuron]. */
  readonly fPrime: Matrix;
  /** δ⁽ᵏ⁾ = ∂Div/∂z⁽ᵏ⁾ from autograd [sample][neuron]. */
  readonly dDivDz: Matrix;
  /** ∂Div/∂W⁽ᵏ⁾ from autograd, [out][in] (δ y⁽ᵏ⁻¹⁾ᵀ summed over the batch). */
  readonly dDivDW: Matrix;
  /** ∂Div/∂b⁽ᵏ⁾ from autograd (δ summed over the batch), or null without bias. */
  readonly dDivDb: number[] | null;
}

/** One comparison of an autograd gradient with the lecture's formula for it. */
export interface ExplainCheck {
  /** What was compared, e.g. '∂Div/∂z⁽²⁾ = f′(z⁽²⁾) ⊙ ∂Div/∂y⁽²⁾'. */
  readonly what: string;
  /** Largest |autograd − formula| over the elements. */
  readonly maxAbsDiff: number;
  /** Whether it is within the tolerance (relative to the values' size). */
  readonly ok: boolean;
}

/** The whole explanation of one forward and backward pass. */
export interface ExplainRecord {
  /** y⁽⁰⁾ = x [sample][feature]. */
  readonly input: Matrix;
  /** The desired output d, one row per sample (class indices become one-hot rows). */
  readonly target: Matrix;
  /** The divergence: its name, formula and value (averaged over the batch as the loss is). */
  readonly loss: { readonly name: ExplainLoss; readonly formula: string; readonly gradient: string; readonly value: number };
  /** ∂Div/∂y⁽⁰⁾ = ∂Div/∂x from autograd [sample][feature]. */
  readonly dDivDInput: Matrix;
  readonly layers: readonly ExplainLayer[];
  readonly checks: readonly ExplainCheck[];
  /** Modules passed over because they do nothing to a flat input in eval mode (Flatten, Dropout). */
  readonly skipped: readonly string[];
}
