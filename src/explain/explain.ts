/**
 * explain(): one forward and backward pass of a small network, written out as the lecture does —
 * z⁽ᵏ⁾ and y⁽ᵏ⁾ per neuron, then ∂Div/∂y, ∂Div/∂z = f′(z) ⊙ ∂Div/∂y, ∂Div/∂W = δ yᵀ and ∂Div/∂b = δ.
 * Every number comes from the model's real forward pass and the library's autograd (forward hooks
 * keep each z and y, retainGrad keeps their gradients); the lecture's formulas are then evaluated
 * independently and compared with them (the record's `checks`).
 */
import { GraphError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { setGradEnabled } from '../autograd/graph.js';
import type { AnyModule, Module } from '../nn/module.js';
import type { RemovableHandle } from '../nn/hooks.js';
import { planLayers, type PlannedLayer } from './plan.js';
import { lossFormula } from './loss-formulas.js';
import { inputBatch, targetBatch, type ExplainValue } from './inputs.js';
import { layerChecks, outputCheck } from './checks.js';
import { toMatrix, zipWith } from './matrix.js';
import type { ExplainCheck, ExplainLayer, ExplainLoss, ExplainRecord, Matrix } from './types.js';

/** Options of explain(). */
export interface ExplainOptions {
  /** The divergence (default 'l2': ½‖y − d‖², the lecture's E). */
  loss?: ExplainLoss;
  /** Relative tolerance of the cross-checks (default 1e-4: float32 arithmetic). */
  tolerance?: number;
}

/** The tensors a forward pass produced for one layer: its input, z and y. */
interface Captured {
  input?: Tensor;
  z?: Tensor;
  y?: Tensor;
}

/** Registers hooks that keep each layer's input, z and y (and their gradients); returns the handles. */
function captureLayers(layers: readonly PlannedLayer[], seen: Captured[]): RemovableHandle[] {
  const handles: RemovableHandle[] = [];
  layers.forEach((layer, i) => {
    seen.push({});
    handles.push(layer.linear.registerForwardHook((_m, inputs, out) => {
      if (seen[i].z) throw new GraphError(`explain: layer '${layer.name}' (Linear) ran twice in one forward pass; explain takes each layer used once`);
      seen[i].input = inputs[0].retainGrad();
      seen[i].z = out.retainGrad();
    }));
    if (layer.activation) {
      const act = layer.activation as Module;
      handles.push(act.registerForwardHook((_m, _inputs, out) => {
        seen[i].y = out.retainGrad();
      }));
    }
  });
  return handles;
}

/** A tensor's gradient as [m] rows (zeros where no gradient reached it). */
function gradRows(t: Tensor, m: number): Matrix {
  return toMatrix(t.grad ? t.grad.data : new Float32Array(t.size), m);
}

/** The layer record k from what the pass captured. */
function layerRecord(k: number, layer: PlannedLayer, c: Required<Captured>, m: number): ExplainLayer {
  const { linear } = layer;
  const z = toMatrix(c.z.data, m);
  const y = toMatrix(c.y.data, m);
  return {
    k,
    name: layer.name,
    activation: layer.derivative.name,
    derivative: layer.derivative.formula,
    inFeatures: linear.inFeatures,
    outFeatures: linear.outFeatures,
    weight: toMatrix(linear.weight.data, linear.outFeatures),
    bias: linear.bias ? Array.from(linear.bias.data) : null,
    z,
    y,
    dDivDy: gradRows(c.y, m),
    fPrime: zipWith(z, y, layer.derivative.at),
    dDivDz: gradRows(c.z, m),
    dDivDW: gradRows(linear.weight, linear.outFeatures),
    dDivDb: linear.bias ? gradRows(linear.bias, 1)[0] : null,
  };
}

/**
 * Runs fn with the model in eval mode and every parameter requiring a fresh gradient (frozen ones
 * too, so each layer's ∂Div/∂W is there to show), then restores modes, flags and gradients.
 */
function withCleanModel<T>(model: AnyModule, fn: () => T): T {
  const params = model.parameters();
  const saved = params.map((p) => ({ grad: p.grad, requiresGrad: p.requiresGrad }));
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  for (const p of params) {
    p.grad = null;
    p.requiresGrad = true;
  }
  try {
    return setGradEnabled(true, fn);
  } finally {
    params.forEach((p, i) => {
      p.grad = saved[i].grad;
      p.requiresGrad = saved[i].requiresGrad;
    });
    for (const [m, t] of modes) m.training = t;
  }
}

/**
 * The forward pass (each layer's z and y per neuron) and backward pass (∂Div/∂y, ∂Div/∂z, ∂Div/∂W,
 * ∂Div/∂b) of a Sequential/mlp of Linear layers and elementwise activations on inputs x and
 * targets, with the lecture's formulas cross-checked against autograd. Leaves the model as it was.
 */
export function explain(model: AnyModule, x: ExplainValue, target: ExplainValue, options: ExplainOptions = {}): ExplainRecord {
  const plan = planLayers(model);
  const lossName = options.loss ?? 'l2';
  const formula = lossFormula(lossName);
  const tolerance = options.tolerance ?? 1e-4;
  const xs = inputBatch(x);
  const m = xs.shape[0];
  const last = plan.layers[plan.layers.length - 1];
  const d = targetBatch(target, lossName, m, last.linear.outFeatures);
  return withCleanModel(model, () => {
    const seen: Captured[] = [];
    const handles = captureLayers(plan.layers, seen);
    let out: Tensor;
    let loss: Tensor;
    try {
      out = (model as Module).call(xs);
      loss = formula.loss(out, d.tensor);
      loss.backward();
    } finally {
      for (const h of handles) h.remove();
    }
    const captured = seen.map((c, i) => {
      if (!c.z || !c.input) throw new GraphError(`explain: layer '${plan.layers[i].name}' (Linear) did not run in the forward pass`);
      return { input: c.input, z: c.z, y: c.y ?? c.z };
    });
    if (out !== captured[captured.length - 1].y) throw new GraphError(`explain: the model's output is not the output of its last layer '${last.name}'; explain takes a plain stack of layers`);
    const layers = plan.layers.map((l, i) => layerRecord(i + 1, l, captured[i], m));
    const input = toMatrix(captured[0].input.data, m);
    const dDivDInput = gradRows(captured[0].input, m);
    const checks: ExplainCheck[] = [];
    const top = layers[layers.length - 1];
    checks.push(outputCheck(top.k, formula.gradient, top.dDivDy, formula.grad(top.y, d.rows), tolerance));
    layers.forEach((l, i) => {
      const below = i === 0 ? input : layers[i - 1].y;
      const dBelow = i === 0 ? dDivDInput : layers[i - 1].dDivDy;
      checks.push(...layerChecks(l, below, dBelow, tolerance));
    });
    return {
      input,
      target: d.rows,
      loss: { name: lossName, formula: formula.formula, gradient: formula.gradient, value: loss.item() },
      dDivDInput,
      layers,
      checks,
      skipped: plan.skipped,
    };
  });
}
