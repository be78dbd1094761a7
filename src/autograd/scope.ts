/**
 * Which module is running: Module.call() pushes itself here, so the debug mode (and later
 * tracing, hooks and drawings) can say "in layers.2 (Linear)" without the autograd floor
 * knowing what a Module is.
 */

/** Something that can name itself given the scope it was entered from (a Module). */
export interface Scope {
  /** A label such as `fc1 (Linear)`; `parent` is the enclosing scope, if any. */
  scopeLabel(parent: Scope | undefined): string;
}

const stack: Scope[] = [];

/** Runs fn with `scope` on top of the scope stack. */
export function inScope<T>(scope: Scope, fn: () => T): T {
  stack.push(scope);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The path of scopes now running, outermost first, e.g. `MLP > layers.2 (Linear)`; '' outside any. */
export function scopePath(): string {
  return stack.map((s, i) => s.scopeLabel(stack[i - 1])).join(' > ');
}
