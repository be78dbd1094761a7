/**
 * The optimiser base class, shaped like PyTorch's `torch.optim.Optimizer`: parameters live in
 * groups that share hyper-parameters (η, weight decay, …), each parameter keeps its own state
 * (step count, moment buffers), `step()` applies one update θ ← θ − η·(…∇E…) in place, and
 * `stateDict()` / `loadStateDict()` save and restore everything a resumed run needs.
 *
 * State-dict format (made to be saved in checkpoints next to the model):
 * ```
 * { optimizer: 'Adam',
 *   paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], …, params: [0, 1] }],
 *   state: { '0': { step: 3, expAvg: Tensor(shape of θ₀), expAvgSq: Tensor(…) }, … } }
 * ```
 * Parameters are named by their index across all groups, in order (as PyTorch does). Buffers
 * come out of `stateDict()` as Tensors shaped like their parameter, so a checkpoint stores them
 * in the safetensors body (a few bytes of header each) rather than as JSON numbers.
 * `loadStateDict()` takes Tensors, and for state dicts written before that, `number[]`,
 * `Float32Array` or `Float64Array` buffers; it checks every field against the parameters.
 */
import { noGrad } from '../autograd/graph.js';
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { alloc, type FloatArray } from '../kernels/types.js';
import { backendStorage } from '../kernels/backend.js';
import { readParamState } from './param-state.js';
import { Tensor } from '../tensor/tensor.js';

/** A hyper-parameter value: a number, a flag, or a tuple of numbers like Adam's betas. */
export type HyperValue = number | boolean | readonly number[];

/** Hyper-parameters every optimiser has: the learning rate η. */
export interface BaseHyper {
  /** Learning rate η: the size of each step along −∇E. */
  lr: number;
}

/** A group of parameters sharing hyper-parameters (an entry of PyTorch's `param_groups`). */
export type ParamGroup<H extends BaseHyper> = H & { params: Tensor[] };

/** A group as a constructor takes it: its parameters, plus any hyper-parameters that differ from the defaults. */
export type ParamGroupSpec<H extends BaseHyper> = Partial<H> & { params: readonly Tensor[] };

/** What an optimiser's constructor takes: a list of parameters, or a list of groups of them. */
export type Params<H extends BaseHyper> = readonly Tensor[] | readonly ParamGroupSpec<H>[];

/** One parameter's state: counters (numbers) and buffers with the parameter's size (e.g. Adam's m, v). */
export type ParamState = Record<string, number | FloatArray>;

/** A parameter group in a state dict: its hyper-parameters and the indices of its parameters. */
export interface GroupStateDict {
  /** Indices of the group's parameters, counted across all groups in order. */
  params: number[];
  [hyper: string]: HyperValue;
}

/** An optimiser's state: hyper-parameters per group and, per parameter, counters and Tensor buffers. */
export interface OptimizerStateDict {
  /** Which optimiser wrote it ('SGD', 'Adam', …); loading into another kind fails. */
  optimizer: string;
  /** Hyper-parameters and parameter indices of each group. */
  paramGroups: GroupStateDict[];
  /** Per-parameter state keyed by parameter index (parameters never stepped have none). */
  state: Record<string, Record<string, number | Tensor>>;
}

/** What `loadStateDict()` takes: a state dict, or an older one whose buffers are number lists or typed arrays. */
export interface OptimizerStateDictInput {
  optimizer: string;
  paramGroups: GroupStateDict[];
  state: Record<string, Record<string, number | Tensor | ArrayLike<number>>>;
}

/** The kind of each per-parameter state field an optimiser keeps: a counter or a buffer shaped like θ. */
export type StateFieldKinds = Readonly<Record<string, 'count' | 'buffer'>>;

// ---------------------------------------------------------------- validation helpers

/** Throws a ConfigError unless v is a finite number ≥ 0 (η, weight decay, momentum, ε, …). */
export function checkNonNegative(where: string, field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) {
    throw new ConfigError(`${where}: invalid ${field} = ${String(v)}: must be a finite number ≥ 0`);
  }
}

/** Throws a ConfigError unless v lies in [0, 1) (β coefficients of moving averages). */
export function checkUnitInterval(where: string, field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ConfigError(`${where}: invalid ${field} = ${String(v)}: must be in [0, 1)`);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

/** Checks that `value` has the same kind as the default (number, boolean, or a tuple of numbers of that length). */
function checkKind(where: string, field: string, value: unknown, like: HyperValue, Err: typeof ConfigError): HyperValue {
  if (typeof like === 'number') {
    if (typeof value !== 'number') throw new Err(`${where}: ${field} must be a number, got ${describe(value)}`);
    return value;
  }
  if (typeof like === 'boolean') {
    if (typeof value !== 'boolean') throw new Err(`${where}: ${field} must be true or false, got ${describe(value)}`);
    return value;
  }
  if (!Array.isArray(value) || value.length !== like.length || !value.every((x) => typeof x === 'number')) {
    throw new Err(`${where}: ${field} must be a list of ${like.length} numbers, got ${describe(value)}`);
  }
  return (value as number[]).slice();
}

// ---------------------------------------------------------------- the base class

/** Base class of the optimisers: parameter groups, per-parameter state, `step()`, `zeroGrad()`, state dicts. */
export abstract class Optimizer<H extends BaseHyper> {
  /** The parameter groups; change a group's hyper-parameters (e.g. `lr`) here, as in PyTorch. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state (moment buffers, step counts), created on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();
  /** The hyper-parameters a group gets for anything it does not set itself. */
  readonly defaults: Readonly<H>;
  /** The optimiser's name, as written to state dicts and error messages. */
  readonly name: string;

  /**
   * Builds the groups from `params`. `options` override the optimiser's `builtIn` defaults,
   * and each group's own fields override those.
   */
  protected constructor(name: string, params: Params<H>, builtIn: H, options: Partial<H>) {
    this.name = name;
    if (options === null || typeof options !== 'object') throw new ConfigError(`${name}: options must be an object, got ${describe(options)}`);
    this.defaults = this.normalise(options, builtIn, name);
    if (!Array.isArray(params)) {
      throw new ConfigError(`${name}: params must be a list of tensors or of {params, …} groups, got ${describe(params)}`);
    }
    if (params.length === 0) throw new ConfigError(`${name}: got an empty parameter list`);
    const list = params as readonly (Tensor | ParamGroupSpec<H>)[];
    if (list.every((p) => p instanceof Tensor)) this.addParamGroup({ params: list as readonly Tensor[] } as ParamGroupSpec<H>);
    else if (list.every((p) => !(p instanceof Tensor))) for (const g of list as readonly ParamGroupSpec<H>[]) this.addParamGroup(g);
    else throw new ConfigError(`${name}: params mixes tensors and {params, …} groups; pass one kind`);
  }

  /** Checks a full set of hyper-parameters; `where` names the optimiser (and group) for messages. */
  protected abstract validate(h: H, where: string): void;

  /** The per-parameter state fields this optimiser keeps, and their kinds (checked by loadStateDict). */
  protected abstract readonly stateFields: StateFieldKinds;

  /** Applies one update to a parameter θ (in place) given its gradient ∇E, its state and its group's hyper-parameters. */
  protected abstract update(theta: FloatArray, grad: FloatArray, state: ParamState, h: H): void;

  /** Merges `spec` over `base`, rejecting unknown fields and fields of the wrong kind, then validates. */
  private normalise(spec: Partial<H>, base: H, where: string): H {
    const fields = spec as Record<string, unknown>;
    const out: Record<string, HyperValue> = {};
    const ref = base as unknown as Record<string, HyperValue>;
    for (const key of Object.keys(fields)) {
      if (key === 'params') continue;
      if (!(key in ref)) {
        throw new ConfigError(`${where}: unknown option '${key}'; known options: ${Object.keys(ref).join(', ')}`);
      }
    }
    for (const [key, like] of Object.entries(ref)) {
      const v = fields[key];
      out[key] = v === undefined ? (Array.isArray(like) ? like.slice() : like) : checkKind(where, key, v, like, ConfigError);
    }
    const h = out as unknown as H;
    this.validate(h, where);
    return h;
  }

  /** Adds a group of parameters (with optional hyper-parameters of its own), like PyTorch's `add_param_group`. */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    const where = `${this.name} (param group ${this.paramGroups.length})`;
    if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.params)) {
      throw new ConfigError(`${where}: a param group must be an object {params: Tensor[], …}, got ${describe(spec)}`);
    }
    if (spec.params.length === 0) throw new ConfigError(`${where}: params is empty`);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    spec.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ConfigError(`${where}: params[${i}] is not a Tensor (${describe(p)})`);
      if (!p.isLeaf) throw new ConfigError(`${where}: params[${i}] is not a leaf tensor; an optimiser can only update leaves (parameters)`);
      if (seen.has(p)) throw new ConfigError(`${where}: params[${i}] appears more than once (in this or another group)`);
      seen.add(p);
    });
    const h = this.normalise(spec, this.defaults as H, where);
    this.paramGroups.push({ ...h, params: spec.params.slice() });
  }

  /** Learning rate η of the first group (groups may differ; see `paramGroups`). */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  /** Sets the learning rate η of every group. */
  set lr(value: number) {
    checkNonNegative(this.name, 'lr', value);
    for (const g of this.paramGroups) g.lr = value;
  }

  /** Forgets every parameter's gradient (sets `.grad` to null, PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Applies one update to every parameter that has a gradient, in place and without recording a graph. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          if (grad.size !== p.size) {
            throw new ShapeError(`${this.name}.step(): gradient of shape ${fmtShape(grad.shape)} does not match its parameter's shape ${fmtShape(p.shape)}`);
          }
          let s = this.state.get(p);
          if (!s) {
            s = {};
            this.state.set(p, s);
          }
          this.update(p.data, grad.data, s, group);
        }
      }
    });
  }

  /** Every parameter across groups, in order: index i in a state dict means the i-th of these. */
  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The optimiser's state: hyper-parameters, step counts, and buffers as Tensors shaped like their parameters (copies). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    this.allParams().forEach((p, i) => index.set(p, i));
    const paramGroups: GroupStateDict[] = this.paramGroups.map((g) => {
      const out: GroupStateDict = { params: g.params.map((p) => index.get(p) as number) };
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        out[k] = Array.isArray(v) ? (v as number[]).slice() : (v as HyperValue);
      }
      return out;
    });
    const state: Record<string, Record<string, number | Tensor>> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: Record<string, number | Tensor> = {};
      for (const [k, v] of Object.entries(s)) entry[k] = typeof v === 'number' ? v : new Tensor(v.slice(), p.shape);
      state[String(i)] = entry;
    }
    return { optimizer: this.name, paramGroups, state };
  }

  /**
   * Restores state saved by `stateDict()` (possibly through a checkpoint) into an optimiser built
   * over the same parameters in the same groups. Hyper-parameters come from the saved groups.
   * Checks everything before changing anything, so a bad state dict leaves the optimiser as it was.
   */
  loadStateDict(sd: OptimizerStateDictInput): void {
    const where = `${this.name}.loadStateDict()`;
    if (sd === null || typeof sd !== 'object') throw new ValueError(`${where}: expected a state dict object, got ${describe(sd)}`);
    for (const key of Object.keys(sd)) {
      if (key !== 'optimizer' && key !== 'paramGroups' && key !== 'state') throw new ValueError(`${where}: unknown field '${key}' (a state dict has optimizer, paramGroups, state)`);
    }
    if (sd.optimizer !== this.name) {
      throw new ValueError(`${where}: the state dict was written by ${describe(sd.optimizer)}, not ${this.name}`);
    }
    if (!Array.isArray(sd.paramGroups) || sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${where}: the state dict has ${Array.isArray(sd.paramGroups) ? sd.paramGroups.length : 'no'} param groups; this optimiser has ${this.paramGroups.length}`);
    }
    let next = 0;
    const hypers = sd.paramGroups.map((saved, gi) => this.readGroup(saved, gi, next, (n) => (next += n), where));
    const state = this.readState(sd.state, where);
    // Everything checked: commit.
    hypers.forEach((h, gi) => Object.assign(this.paramGroups[gi], h));
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  /** The hyper-parameters of saved group `gi`, checked like constructor options; its params must be indices first…first+n−1. */
  private readGroup(saved: unknown, gi: number, first: number, advance: (n: number) => void, where: string): H {
    const group = this.paramGroups[gi];
    const gw = `${where} (param group ${gi})`;
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) throw new ValueError(`${gw}: must be an object of hyper-parameters and params, got ${describe(saved)}`);
    const g = saved as Record<string, unknown>;
    const n = group.params.length;
    if (!Array.isArray(g.params) || g.params.length !== n) {
      throw new ValueError(`${gw}: the saved group has ${Array.isArray(g.params) ? g.params.length : 'no'} parameters; this group has ${n}`);
    }
    (g.params as unknown[]).forEach((x, j) => {
      if (x !== first + j) throw new ValueError(`${gw}: params[${j}] is ${describe(x)}, expected ${first + j} (parameters are numbered across groups in order)`);
    });
    advance(n);
    const ref = group as unknown as Record<string, HyperValue>;
    const out: Record<string, HyperValue> = {};
    for (const key of Object.keys(g)) {
      if (key !== 'params' && !(key in ref)) throw new ValueError(`${gw}: unknown hyper-parameter '${key}'`);
    }
    for (const [key, like] of Object.entries(ref)) {
      if (key === 'params') continue;
      const v = g[key];
      out[key] = v === undefined ? (Array.isArray(like) ? like.slice() : like) : checkKind(gw, key, v, like, ValueError);
    }
    const h = out as unknown as H;
    this.validate(h, gw);
    return h;
  }

  /** The saved per-parameter state, checked against the parameters and this optimiser's state fields. */
  private readState(saved: unknown, where: string): Map<Tensor, ParamState> {
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) throw new ValueError(`${where}: state must be an object keyed by parameter index, got ${describe(saved)}`);
    const params = this.allParams();
    const state = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(saved as Record<string, unknown>)) {
      const i = Number(key);
      if (!/^(0|[1-9]\d*)$/.test(key) || i >= params.length) {
        throw new ValueError(`${where}: state for parameter '${key}', but there are only ${params.length} parameters (0…${params.length - 1})`);
      }
      state.set(params[i], readParamState(entry, params[i], key, this.stateFields, where));
    }
    return state;
  }
}

/** A zeroed state buffer the size of θ: in the backend's memory when it has one (kernels then update it in place). */
export function stateBuffer(like: FloatArray): FloatArray {
  return (like instanceof Float32Array ? backendStorage()?.alloc(like.length) : null) ?? alloc(like.length, like);
}

/** The buffer `key` of a parameter's state, created as zeros the size of θ on first use. */
export function zerosBuffer(state: ParamState, key: string, like: FloatArray): FloatArray {
  const b = state[key];
  if (b !== undefined && typeof b !== 'number') return b;
  const fresh = stateBuffer(like);
  state[key] = fresh;
  return fresh;
}

/** The counter `key` of a parameter's state (0 when absent). */
export function counter(state: ParamState, key: string): number {
  const v = state[key];
  return typeof v === 'number' ? v : 0;
}
