/**
 * nn.Module as PyTorch users know it: parameters found by walking named children,
 * train()/eval(), stateDict()/loadStateDict() with shape checks, and an architecture
 * config (toConfig / moduleFromConfig) so a saved model loads without the code that built it.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { inScope, type Scope } from '../autograd/scope.js';
import { checkInputShape, type InputShape } from './input-shape.js';
import { printSummary, type InputSpec } from './summary.js';
import { HookTable, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './hooks.js';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A module's architecture as JSON: its registered type and its constructor options. */
export interface ModuleConfig {
  type: string;
  [option: string]: JsonValue;
}

/** A module of any input and output types, for containers and tree walks. */
export type AnyModule = Module<never, unknown>;

/**
 * Base class of every layer and model. `In` is the tuple of forward's arguments and `Out` its
 * result: the default is a tensor-to-tensor layer; an LSTM is
 * `Module<[x: Tensor, state?: [Tensor, Tensor]], [Tensor, [Tensor, Tensor]]>`.
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> implements Scope {
  /** True in training mode (dropout active, batch statistics used); see train()/eval(). */
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children_ = new Map<string, AnyModule>();
  private readonly hooks = new HookTable();
  private inputShape_: InputShape | undefined;

  /** The layer's computation; call it through call(), as PyTorch's `module(x)`. */
  abstract forward(...inputs: In): Out;

  /**
   * Runs forward inside this module's scope (so debug mode can name it), with the forward
   * pre-hooks before it and the forward hooks after it, as PyTorch's `module(x)`.
   */
  call(...inputs: In): Out {
    return inScope(this, () => {
      if (this.hooks.pre.size === 0 && this.hooks.post.size === 0) return this.forward(...inputs);
      const args = this.hooks.runPre(this, inputs, this.constructor.name) as In;
      const out = this.forward(...args);
      return this.hooks.runPost(this, args, out) as Out;
    });
  }

  /**
   * Registers `hook(module, inputs, output)`, run by call() after forward; a returned value
   * replaces the output. Hooks run in registration order; the handle's remove() unregisters it.
   * (Typed through `this`, so the hook sees this module's own input tuple and output types while
   * every module stays an AnyModule; the `| []` makes a returned array literal a tuple.)
   */
  registerForwardHook<M extends AnyModule, I extends unknown[] | [], O>(this: M & { forward(...inputs: I): O }, hook: ForwardHook<M, I, O>): RemovableHandle {
    return this.hooks.addPost(hook as (module: unknown, inputs: unknown[], output: unknown) => unknown);
  }

  /** Registers `hook(module, inputs)`, run by call() before forward; a returned tuple replaces the inputs. */
  registerForwardPreHook<M extends AnyModule, I extends unknown[] | []>(this: M & { forward(...inputs: I): unknown }, hook: ForwardPreHook<M, I>): RemovableHandle {
    return this.hooks.addPre(hook as (module: unknown, inputs: unknown[]) => unknown);
  }

  /** `name (Class)` as registered in the parent, or just the class name. */
  scopeLabel(parent: Scope | undefined): string {
    const cls = this.constructor.name;
    if (parent instanceof Module) {
      // namedChildren() also finds children assigned as fields, not yet registered.
      for (const [name, m] of parent.namedChildren()) if (m === (this as unknown)) return `${name} (${cls})`;
    }
    return cls;
  }

  /** Registers a trainable tensor under `name` (it gets requiresGrad = true). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  /** Registers a non-trainable state tensor (e.g. running statistics) saved in the state dict. */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.buffers.set(name, t);
    return t;
  }

  /** Registers a child module under `name`. */
  protected registerModule<M extends AnyModule>(name: string, m: M): M {
    if (!(m instanceof Module)) throw new ConfigError(`${this.constructor.name}: child '${name}' is not a Module`);
    this.children_.set(name, m);
    return m;
  }

  /**
   * Registers what was assigned as a field without registerModule/registerParameter, as
   * PyTorch's attribute assignment does: Module fields become children, arrays of Modules become
   * children `name.0`, `name.1`, … (PyTorch's ModuleList naming), and leaf Tensor fields with
   * requiresGrad become parameters (named after the field, in definition order).
   */
  private discoverFields(): void {
    const modules = new Set(this.children_.values());
    const tensors = new Set([...this.params.values(), ...this.buffers.values()]);
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) {
        if (!modules.has(value) && !this.children_.has(key)) this.children_.set(key, value);
      } else if (Array.isArray(value) && value.length > 0 && value.every((m) => m instanceof Module)) {
        // Skip arrays whose modules are registered already (Sequential keeps its layers in one).
        if (value.some((m: AnyModule) => modules.has(m))) continue;
        value.forEach((m: AnyModule, i) => {
          if (!this.children_.has(`${key}.${i}`)) this.children_.set(`${key}.${i}`, m);
        });
      } else if (value instanceof Tensor && value.requiresGrad && value.isLeaf && !tensors.has(value) && !this.params.has(key)) {
        this.params.set(key, value);
      }
    }
  }

  /** Direct children with their names. */
  namedChildren(): [string, AnyModule][] {
    this.discoverFields();
    return [...this.children_.entries()];
  }

  /** Direct children. */
  children(): AnyModule[] {
    return [...this.children_.values()];
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, AnyModule][] {
    this.discoverFields();
    const out: [string, AnyModule][] = [[prefix, this as AnyModule]];
    for (const [name, child] of this.children_) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /**
   * Every parameter with its dotted name ('0.weight', 'fc1.bias', …), each tensor once; with
   * recurse = false only this module's own (not its children's), as PyTorch's.
   */
  namedParameters(recurse = true): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    this.discoverFields();
    const modules: [string, AnyModule][] = recurse ? this.namedModules() : [['', this as AnyModule]];
    for (const [prefix, m] of modules) {
      for (const [name, p] of m.params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Every trainable tensor, for the optimiser. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name; with recurse = false only this module's own. */
  namedBuffers(recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const modules: [string, AnyModule][] = recurse ? this.namedModules() : [['', this as AnyModule]];
    for (const [prefix, m] of modules) {
      for (const [name, b] of m.buffers) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode (default) or evaluation mode, recursively; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (dropout off, running statistics used); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by dotted name (tensors share storage with the module). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of [...m.params, ...m.buffers]) out[prefix ? `${prefix}.${name}` : name] = t.detach();
    }
    return out;
  }

  /**
   * Copies values from a state dict into this module's tensors. Every key must match a
   * parameter or buffer of the same shape; with strict (default) missing and extra keys are errors too.
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const own = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of [...m.params, ...m.buffers]) own.set(prefix ? `${prefix}.${name}` : name, t);
    }
    const missing = [...own.keys()].filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !own.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      throw new ShapeError(`loadStateDict: state dict does not match ${this.constructor.name} (${parts.join('; ')})`);
    }
    for (const [k, t] of own) {
      const src = state[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) throw new ShapeError(`loadStateDict: '${k}' is not a Tensor`);
      if (!sameShape(src.shape, t.shape)) {
        throw new ShapeError(`loadStateDict: '${k}' has shape ${fmtShape(src.shape)} in the state dict but ${fmtShape(t.shape)} in the model`);
      }
    }
    for (const [k, t] of own) {
      const src = state[k];
      if (src) t.data.set(src.data);
    }
  }

  /**
   * One sample's input shape, without the batch axis (`[1, 28, 28]`, `[784]`), or undefined when
   * not known. Saved in config(); the CLI shapes eval and predict inputs to `[N, ...inputShape]`.
   */
  get inputShape(): InputShape | undefined {
    return this.inputShape_;
  }

  set inputShape(shape: InputShape | undefined) {
    this.inputShape_ = shape === undefined ? undefined : Object.freeze(checkInputShape(shape, `${this.constructor.name}: inputShape`));
  }

  /** The architecture to save: toConfig() plus the input shape when known. */
  config(): ModuleConfig {
    const c = this.toConfig();
    return this.inputShape_ ? { ...c, inputShape: [...this.inputShape_] } : c;
  }

  /** The architecture as JSON, rebuilt by moduleFromConfig. */
  toConfig(): ModuleConfig {
    throw new ConfigError(`${this.constructor.name} does not describe its architecture (override toConfig and registerModuleType to save it)`);
  }

  /**
   * Prints a Keras-style table of the layers (name, type, output shape, parameters) and the
   * totals, for inputs of `inputShape` (default this.inputShape); returns the text.
   */
  summary(inputShape?: InputSpec, print?: (text: string) => void): string {
    return printSummary(this as AnyModule, inputShape, print);
  }

  /** Extra text inside the module's printout, e.g. `inFeatures=2, outFeatures=3`. */
  extraRepr(): string {
    return '';
  }

  /** A PyTorch-like printout of the module tree. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

const factories = new Map<string, (config: ModuleConfig) => AnyModule>();

/** Makes a module type buildable from its config (used by saved architectures). */
export function registerModuleType(type: string, factory: (config: ModuleConfig) => AnyModule): void {
  factories.set(type, factory);
}

/**
 * Builds a module from a config written by config() or toConfig(), with its inputShape. The result is typed as `M` (by default
 * a tensor-to-tensor Module): `moduleFromConfig<MyLstm>(cfg)` for a module with other inputs.
 */
export function moduleFromConfig<M extends AnyModule = Module>(config: ModuleConfig): M {
  if (typeof config !== 'object' || config === null || typeof config.type !== 'string') {
    throw new ConfigError(`moduleFromConfig: expected an object with a string 'type', got ${JSON.stringify(config)}`);
  }
  const f = factories.get(config.type);
  if (!f) throw new ConfigError(`moduleFromConfig: unknown module type '${config.type}' (known: ${[...factories.keys()].sort().join(', ')})`);
  const inputShape = config.inputShape === undefined ? undefined : checkInputShape(config.inputShape, `${config.type}: field 'inputShape'`);
  const m = f(config);
  if (inputShape) m.inputShape = inputShape;
  return m as M;
}

/** Reads a numeric option of a config, with a clear error naming the field. */
export function numOpt(config: ModuleConfig, key: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(`${config.type}: field '${key}' must be a number, got ${JSON.stringify(config[key])}`);
  }
  return v;
}

/** Reads a whole-number option of a config (≥ min), with a clear error naming the field. */
export function intOpt(config: ModuleConfig, key: string, fallback?: number, min = 1): number {
  const v = numOpt(config, key, fallback);
  if (!Number.isInteger(v) || v < min) throw new ConfigError(`${config.type}: field '${key}' must be a whole number ≥ ${min}, got ${v}`);
  return v;
}
