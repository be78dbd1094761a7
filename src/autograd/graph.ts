/**
 * Reverse-mode automatic differentiation, micrograd style: every op output remembers its
 * inputs and a closure for its local backward rule (`record`); `backward()` sorts the graph
 * topologically and sweeps it once in reverse, summing the gradients that reach a tensor
 * along several paths (the distributed chain rule). The graph is freed as it is swept, so
 * memory does not grow from one training step to the next.
 */
import { GraphError, ShapeError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { gradTemps } from './grad-temps.js';
import { alloc, type FloatArray } from '../kernels/types.js';
import { Tensor, type GraphNode } from '../tensor/tensor.js';
import { checkBackward, checkForward, isDebug } from './debug.js';
import { scopePath } from './scope.js';

let gradEnabled = true;

/** Whether ops currently record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording a graph (evaluation, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn with graph recording switched on or off. */
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Records that `out` was computed by `op` from `inputs`, with `backward` mapping ∂E/∂out to
 * ∂E/∂input for each input, and the op's `attrs`. Records nothing when no input requires a gradient.
 * In debug mode it first checks `out` for NaN/Inf and notes the module path on the node.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: GraphNode['backward'],
  attrs: GraphNode['attrs'] = NO_ATTRS,
): Tensor {
  const scope = isDebug() ? scopePath() : undefined;
  if (scope !== undefined) checkForward(op, out, inputs, scope);
  if (!gradEnabled) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) needed = true;
  if (!needed) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, backward, attrs, scope };
  return out;
}

const NO_ATTRS: GraphNode['attrs'] = Object.freeze({});

/** Options of backward(). */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default false: freed). */
  retainGraph?: boolean;
}

/** Tensors reachable from root through recorded ops, inputs before outputs. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i];
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function accumulateGrad(t: Tensor, g: FloatArray): void {
  if (t.grad) kernels.addInPlace(t.grad.data, g);
  else {
    const own = alloc(g.length, t.data);
    own.set(g);
    t.grad = new Tensor(own, t.shape);
  }
}

/**
 * Back-propagates from `root`: fills `.grad` of every leaf that requires a gradient.
 * Without `gradient`, root must hold one element (a loss) and ∂root/∂root = 1.
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  if (root.freed) {
    throw new GraphError(
      'backward(): the graph behind this tensor was already freed by an earlier backward(); ' +
        'recompute the forward pass, or call backward({ retainGraph: true }) the first time',
    );
  }
  if (!root.requiresGrad) {
    throw new GraphError('backward(): this tensor does not require a gradient: no input it was computed from has requiresGrad=true, or it was computed inside noGrad()');
  }
  let seed: FloatArray;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new GraphError(
        `backward(): a gradient can only be created implicitly for a one-element output, but this tensor has shape ${fmtShape(root.shape)}; ` +
          `pass backward(gradient) with a gradient of that shape`,
      );
    }
    seed = alloc(1, root.data);
    seed[0] = 1;
  } else {
    if (gradient.size !== root.size || gradient.shape.length !== root.shape.length || gradient.shape.some((d, i) => d !== root.shape[i])) {
      throw new ShapeError(`backward(): gradient of shape ${fmtShape(gradient.shape)} does not match the output's shape ${fmtShape(root.shape)}`);
    }
    seed = gradient.data;
  }
  const order = topoSort(root);
  for (const t of order) {
    if (t.freed) {
      throw new GraphError(
        'backward(): trying to back-propagate through a graph a second time: an intermediate tensor was freed by an earlier backward(). ' +
          'Recompute the forward pass, or pass { retainGraph: true } to the first backward()',
      );
    }
  }
  const retain = options.retainGraph ?? false;
  const grads = new Map<Tensor, FloatArray>([[root, seed]]);
  const temps = gradTemps();
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    grads.delete(t);
    const node = t.node;
    if (!node) {
      if (g) accumulateGrad(t, g);
      temps?.drop(g);
      continue;
    }
    if (g) {
      if (t.keepGrad) accumulateGrad(t, g);
      const gi = temps ? temps.run(() => node.backward(g)) : node.backward(g);
      if (isDebug()) checkBackward(node.op, gi, node.inputs, node.scope, g);
      for (let j = 0; j < node.inputs.length; j++) {
        const inp = node.inputs[j];
        const gj = gi[j];
        if (!inp.requiresGrad || !gj) continue;
        const prev = grads.get(inp);
        if (!prev) {
          grads.set(inp, gj);
          temps?.hold(gj);
        } else {
          // A tensor used on several paths receives the sum of their gradients.
          const sum = alloc(prev.length, prev);
          sum.set(prev);
          kernels.addInPlace(sum, gj);
          grads.set(inp, sum);
          temps?.drop(prev);
        }
      }
      temps?.drop(g);
      temps?.sweep(gi);
    }
    if (!retain) {
      t.node = null;
      t.freed = true;
    }
  }
}
