/**
 * The Tensor: float32 data in row-major order with a shape, plus what autodiff needs
 * (`requiresGrad`, `grad`, and the graph node that produced it). Arithmetic methods are
 * installed by the ops floor (src/ops/methods.ts); this file knows nothing about them.
 */
import { GraphError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { alloc, type FloatArray } from '../kernels/types.js';
import { backendStorage } from '../kernels/backend.js';
import { chargeAllocation, checkSize } from './limits.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import { randomNormal, random } from './random.js';
import { formatTensor } from './format.js';

/** Element type of a tensor's storage. */
export type DType = 'float32' | 'float64';

/** A nested array of numbers, as `tensor()` takes and `toArray()` gives. */
export type NestedArray = number | NestedArray[];

/** An attribute value an op records on its graph node (axis, slope, permutation, stride …). */
export type OpAttr = number | string | boolean | null | readonly number[];

/** The record of one op application: its inputs and its local backward rule. */
export interface GraphNode {
  /** Name of the op, for error messages and graph inspection. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** The op's non-tensor arguments by name (empty when it has none), for exporters and debuggers. */
  readonly attrs: Readonly<Record<string, OpAttr>>;
  /** Given ∂E/∂out, returns ∂E/∂input for each input (null where not needed). */
  readonly backward: (dy: FloatArray) => readonly (FloatArray | null)[];
  /** The module path that ran the op (`MLP > layers.2 (Linear)`), captured only in debug mode. */
  readonly scope?: string;
}

let defaultDtype: DType = 'float32';

/** The dtype new tensors get (float32 unless a gradient check switched it). */
export function getDefaultDtype(): DType {
  return defaultDtype;
}

/** Runs fn with new tensors created as `dtype`; gradcheck uses float64 this way. */
export function withDefaultDtype<T>(dtype: DType, fn: () => T): T {
  const prev = defaultDtype;
  defaultDtype = dtype;
  try {
    return fn();
  } finally {
    defaultDtype = prev;
  }
}

/** A zeroed array of n elements in the default dtype (checked against the size limits); `what` names it in errors. */
export function allocDefault(n: number, what = 'tensor'): FloatArray {
  chargeAllocation(n);
  try {
    return defaultDtype === 'float64' ? new Float64Array(n) : (backendStorage()?.alloc(n) ?? new Float32Array(n));
  } catch (e) {
    // The engine could not find the memory (RangeError: Array buffer allocation failed).
    if (e instanceof RangeError) throw new ValueError(`${what}: cannot allocate ${n} elements (${(n * (defaultDtype === 'float64' ? 8 : 4) / 2 ** 30).toFixed(1)} GiB): ${e.message}`);
    throw e;
  }
}

/** A creation function's shape, checked (whole sizes ≥ 0, not too many elements) before anything is allocated. */
function creationShape(shape: Shape, op: string): number[] {
  const s = checkShape(shape, op);
  checkSize(s, op);
  return s;
}

/** A zeroed array for a tensor of shape s (already checked) made by op. */
function allocShape(s: readonly number[], op: string): FloatArray {
  return allocDefault(sizeOf(s), `${op}: shape ${fmtShape(s)}`);
}

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Record operations on this tensor so `backward()` can fill its `.grad`. */
  requiresGrad?: boolean;
}

/** An n-dimensional array of float32 numbers that can take part in back-propagation. */
export class Tensor {
  /**
   * The elements, row-major. Optimisers update parameters through it, in place. Always a
   * Float32Array for users; only inside `gradcheck` is the storage a Float64Array (same
   * indexing), which is why it is typed for the common case.
   */
  readonly data: Float32Array;
  /** Sizes of each axis, batch first. */
  readonly shape: Shape;
  /** Whether gradients flow to (and, for a leaf, accumulate in) this tensor. */
  requiresGrad: boolean;
  /** ∂loss/∂this after `backward()` (leaves, and tensors that called `retainGrad()`). */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor, until backward frees the graph. */
  node: GraphNode | null = null;
  /** @internal Set once backward has freed the node that produced this tensor. */
  freed = false;
  /** @internal Keep `.grad` on this non-leaf tensor during backward. */
  keepGrad = false;

  /** Wraps existing storage; prefer `tensor()`, `zeros()`, `fromTypedArray()`. */
  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`Tensor: ${data.length} elements do not fill shape ${fmtShape(shape)} (needs ${sizeOf(shape)})`);
    }
    this.data = data as Float32Array;
    this.shape = Object.freeze(shape.slice());
    this.requiresGrad = requiresGrad;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Storage element type. */
  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  /** True for a tensor not produced by a recorded op (a parameter or an input). */
  get isLeaf(): boolean {
    return this.node === null && !this.freed;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item(): only a one-element tensor has a single value; this one has shape ${fmtShape(this.shape)} (${this.size} elements)`);
    }
    return this.data[0];
  }

  /** The elements as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[axis];
      const inner = stride / n;
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** A tensor sharing this one's data but cut from the graph (no gradient flows through it). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** Sets requiresGrad in place and returns this, for chaining. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) throw new GraphError('requiresGrad_(false): only a leaf tensor can stop requiring gradients; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on this intermediate tensor after backward, to look inside the network. */
  retainGrad(): this {
    this.keepGrad = true;
    return this;
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A readable rendering like PyTorch's: `tensor([[1., 2.], …], requiresGrad=true)`. */
  toString(): string {
    let extra = '';
    if (this.node) extra = `, gradFn=<${this.node.op}Backward>`;
    else if (this.requiresGrad) extra = ', requiresGrad=true';
    return formatTensor(this.data, this.shape, extra);
  }
}

/** The shape of a nested array, read along its first elements (the rest is checked when it is copied). */
function nestedShape(value: unknown): number[] {
  const shape: number[] = [];
  const seen = new Set<unknown>();
  for (let v = value; Array.isArray(v); v = v[0] as unknown) {
    if (seen.has(v)) throw new ValueError('tensor(): the nested array contains itself');
    seen.add(v);
    shape.push(v.length);
    if (v.length === 0) break;
  }
  return shape;
}

/** Copies a nested array of the given shape into out (row-major), checking every list and number. */
function fill(value: unknown, path: string, shape: readonly number[], depth: number, out: FloatArray, at: number): number {
  if (depth === shape.length) {
    if (Array.isArray(value)) throw new ShapeError(`tensor(): ragged nested array: ${path} is a list but its siblings are numbers`);
    if (typeof value !== 'number') {
      throw new ValueError(`tensor(): ${path} is ${value === null ? 'null' : typeof value} (${JSON.stringify(value) ?? String(value)}); only numbers are allowed`);
    }
    out[at] = value;
    return at + 1;
  }
  if (!Array.isArray(value)) throw new ShapeError(`tensor(): ragged nested array: ${path} is a number but a list of ${shape[depth]} was expected`);
  if (value.length !== shape[depth]) {
    throw new ShapeError(`tensor(): ragged nested array: ${path} has ${value.length} elements, expected ${shape[depth]} like the first element at that depth`);
  }
  for (let i = 0; i < value.length; i++) at = fill(value[i], `${path}[${i}]`, shape, depth + 1, out, at);
  return at;
}

/** A tensor from a number or nested arrays of numbers, e.g. `tensor([[1, 2], [3, 4]])`. */
export function tensor(values: NestedArray | readonly number[] | readonly NestedArray[], options: TensorOptions = {}): Tensor {
  const shape = nestedShape(values);
  checkSize(shape, 'tensor()');
  const data = allocShape(shape, 'tensor()');
  fill(values, 'value', shape, 0, data, 0);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

/** A one-element tensor of shape [] holding v. */
export function scalar(v: number, options: TensorOptions = {}): Tensor {
  if (typeof v !== 'number') throw new ValueError(`scalar(): expected a number, got ${typeof v}`);
  const data = allocDefault(1);
  data[0] = v;
  return new Tensor(data, [], options.requiresGrad ?? false);
}

/** A tensor of the given shape filled with `value`. */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  const s = creationShape(shape, 'full');
  if (typeof value !== 'number') throw new ValueError(`full(): fill value must be a number, got ${typeof value}`);
  const data = allocShape(s, 'full');
  if (value !== 0) data.fill(value);
  return new Tensor(data, s, options.requiresGrad ?? false);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(creationShape(shape, 'zeros'), 0, options);
}

/** A tensor of ones. */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(creationShape(shape, 'ones'), 1, options);
}

/** Zeros (or any value) with another tensor's shape. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  checkTensor(t, 'zerosLike');
  return full(t.shape, 0, options);
}

/** 1-D tensor of evenly spaced values in [start, end): `arange(5)`, `arange(1, 2, 0.25)`. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (![start, end, step].every(Number.isFinite) || step === 0) {
    throw new ValueError(`arange(): start, end and step must be finite and step non-zero, got (${start}, ${end}, ${step})`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkSize([n], `arange(${start}, ${end}, ${step})`);
  const data = allocShape([n], 'arange');
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], options.requiresGrad ?? false);
}

/** Identity matrix of n rows (and m columns, default n). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const s = creationShape([n, m], 'eye');
  const data = allocShape(s, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s, options.requiresGrad ?? false);
}

/** An optional numeric option: its default when absent, else a finite number (ValueError otherwise). */
function finiteOption(v: unknown, fallback: number, op: string, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}(): option ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** Uniform random numbers in [low, high) (default [0, 1)) from the seeded generator. */
export function rand(shape: Shape, options: TensorOptions & { low?: number; high?: number } = {}): Tensor {
  const s = creationShape(shape, 'rand');
  const low = finiteOption(options.low, 0, 'rand', 'low');
  const high = finiteOption(options.high, 1, 'rand', 'high');
  const data = allocShape(s, 'rand');
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random();
  return new Tensor(data, s, options.requiresGrad ?? false);
}

/** Normal random numbers (default mean 0, std 1) from the seeded generator. */
export function randn(shape: Shape, options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = creationShape(shape, 'randn');
  const mean = finiteOption(options.mean, 0, 'randn', 'mean');
  const std = finiteOption(options.std, 1, 'randn', 'std');
  const data = allocShape(s, 'randn');
  for (let i = 0; i < data.length; i++) data[i] = mean + std * randomNormal();
  return new Tensor(data, s, options.requiresGrad ?? false);
}

/** Wraps a typed array as a tensor of the given shape (a Float32Array is shared, others are converted to float32). */
export function fromTypedArray(
  array: Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Uint8ClampedArray,
  shape?: Shape,
  options: TensorOptions = {},
): Tensor {
  if (!ArrayBuffer.isView(array) || array instanceof DataView) throw new ValueError(`fromTypedArray(): expected a typed array, got ${describe(array)}`);
  const s = creationShape(shape ?? [array.length], 'fromTypedArray');
  if (sizeOf(s) !== array.length) {
    throw new ShapeError(`fromTypedArray(): ${array.length} elements do not fill shape ${fmtShape(s)} (needs ${sizeOf(s)})`);
  }
  // Float32Arrays are wrapped as they are; anything else is converted to the default dtype (float32).
  const data = array instanceof Float32Array && defaultDtype === 'float32' ? array
    : array instanceof Float64Array && defaultDtype === 'float64' ? array
    : defaultDtype === 'float64' ? Float64Array.from(array) : Float32Array.from(array);
  return new Tensor(data, s, options.requiresGrad ?? false);
}

/** A fresh zeroed array of n elements with the element type of t (in the backend's memory when it has one). */
export function allocLike(t: Tensor, n: number): FloatArray {
  return t.data instanceof Float32Array ? (backendStorage()?.alloc(n) ?? new Float32Array(n)) : alloc(n, t.data);
}

/** Anything that can stand where a tensor is expected: a tensor or a plain number. */
export type TensorLike = Tensor | number;

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(…))';
  return typeof x;
}

/** Throws a ValueError naming `op` unless x is a Tensor; returns it. */
export function checkTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** Turns a number into a scalar tensor (of `like`'s dtype when given). */
export function toTensor(x: TensorLike, like?: Tensor, op = 'op'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') {
    throw new ValueError(`${op}: expected a Tensor or a number, got ${describe(x)}`);
  }
  const data = like ? alloc(1, like.data) : allocDefault(1);
  data[0] = x;
  return new Tensor(data, []);
}
