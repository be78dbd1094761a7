/**
 * One definition per elementwise op: its formula and its derivative side by side. `unary()`
 * does what every such op needs besides: checks the input is a Tensor and that no extra
 * argument was passed, computes y = f(x), and records the node (with the op's attrs) so
 * backward can apply ∂E/∂x = f'(x)·∂E/∂y.
 */
import { record } from '../autograd/graph.js';
import type { FloatArray } from '../kernels/types.js';
import { Tensor, checkTensor, type OpAttr } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';

/** An op's non-tensor arguments by name, as recorded on its graph node. */
export type Attrs = Readonly<Record<string, OpAttr>>;

/** What an elementwise op is: its parameters (checked and named), its formula and its derivative. */
export interface UnaryDef<P extends unknown[], A extends Attrs> {
  /**
   * Checks the arguments after x and names them (the node's attrs). Its parameter count is the
   * op's, so give defaults inside (`slope ?? 0.01`), not as `slope = 0.01`.
   */
  attrs?: (...params: P) => A;
  /** y = f(x) elementwise. */
  f(x: FloatArray, a: A): FloatArray;
  /** ∂E/∂x = f'(x)·dy, from the saved input x or output y, whichever the derivative is a function of. */
  df(dy: FloatArray, x: FloatArray, y: FloatArray, a: A): FloatArray;
}

const NO_ATTRS: Attrs = Object.freeze({});

/** Builds the differentiable op `name(x, ...params)` from its definition. */
export function unary<P extends unknown[] = [], A extends Attrs = Attrs>(name: string, def: UnaryDef<P, A>): (x: Tensor, ...params: P) => Tensor {
  const maxArgs = 1 + (def.attrs?.length ?? 0);
  const op = function (x: Tensor, ...params: P): Tensor {
    checkTensor(x, name);
    checkArgCount(name, maxArgs, 1 + params.length);
    const a = def.attrs ? def.attrs(...params) : (NO_ATTRS as A);
    const y = new Tensor(def.f(x.data, a), x.shape);
    return record(y, name, [x], (dy) => [def.df(dy, x.data, y.data, a)], a);
  };
  Object.defineProperty(op, 'name', { value: name });
  return op;
}
