/**
 * Forward hooks and pre-hooks as PyTorch's: functions a module's call() runs before and after
 * forward, each able to replace the inputs (pre-hook) or the output (hook), and a handle that
 * removes them. Summaries, tracing and debugging read a model through these, without editing it.
 */
import { ValueError } from '../errors.js';

/**
 * Runs before forward with the inputs tuple; returning a tuple replaces the inputs, returning
 * nothing keeps them. `M` is the module type the hook was registered on.
 */
export type ForwardPreHook<M, In extends unknown[]> = (module: M, inputs: In) => In | undefined | void;

/** Runs after forward with the inputs and the output; returning a value replaces the output. */
export type ForwardHook<M, In extends unknown[], Out> = (module: M, inputs: In, output: Out) => Out | undefined | void;

/** What registerForwardHook / registerForwardPreHook return: remove() takes the hook off again. */
export class RemovableHandle {
  private static nextId = 0;
  /** A number unique to this hook (PyTorch's handle.id). */
  readonly id = RemovableHandle.nextId++;
  constructor(private readonly table: Map<number, unknown>) {}
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void {
    this.table.delete(this.id);
  }
}

/**
 * A module's hooks in registration order. Stored untyped so that `Module<[Tensor], Tensor>` stays
 * assignable to `AnyModule`; the typed register methods are the only way in.
 */
export class HookTable {
  readonly pre = new Map<number, (module: unknown, inputs: unknown[]) => unknown>();
  readonly post = new Map<number, (module: unknown, inputs: unknown[], output: unknown) => unknown>();

  /** Adds a pre-hook; its handle removes it. */
  addPre(hook: (module: unknown, inputs: unknown[]) => unknown): RemovableHandle {
    const handle = new RemovableHandle(this.pre);
    this.pre.set(handle.id, hook);
    return handle;
  }

  /** Adds a forward hook; its handle removes it. */
  addPost(hook: (module: unknown, inputs: unknown[], output: unknown) => unknown): RemovableHandle {
    const handle = new RemovableHandle(this.post);
    this.post.set(handle.id, hook);
    return handle;
  }

  /** The inputs after every pre-hook had its say (a hook returning undefined keeps them). */
  runPre(module: unknown, inputs: unknown[], label: string): unknown[] {
    let current = inputs;
    for (const hook of [...this.pre.values()]) {
      const r = hook(module, current);
      if (r === undefined) continue;
      if (!Array.isArray(r)) throw new ValueError(`forward pre-hook of ${label}: must return the inputs as an array (a tuple of forward's arguments) or undefined, got ${typeof r}`);
      current = r;
    }
    return current;
  }

  /** The output after every forward hook had its say. */
  runPost(module: unknown, inputs: unknown[], output: unknown): unknown {
    let current = output;
    for (const hook of [...this.post.values()]) {
      const r = hook(module, inputs, current);
      if (r !== undefined) current = r;
    }
    return current;
  }
}
