/** Timing and statistics helpers shared by the benchmarks: median, repeated timing, formatting. */

/** The median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Options of timeRepeated(): untimed warm-up runs, then timed repetitions. */
export interface RepeatOptions {
  /** Runs before timing starts (JIT compilation, caches, lazy initialisation). */
  warmup: number;
  /**
   * Keep warming up (past `warmup` runs) until this many ms have gone: V8 optimises hot JavaScript on a background
   * thread, and on 2 busy cores a training step takes its first ~60 runs (about 0.7 s for the RNN row) to reach speed.
   */
  warmupMs?: number;
  /** Timed runs; the median of them is reported. */
  reps: number;
  /** Stop timing early, after at least 3 runs, once the timed runs took this many ms in all (for slow peers). */
  budgetMs?: number;
}

/** Whether timing should stop after the runs in `times`. */
function enough(times: readonly number[], { reps, budgetMs }: RepeatOptions): boolean {
  if (times.length >= reps) return true;
  return budgetMs !== undefined && times.length >= 3 && times.reduce((a, b) => a + b, 0) >= budgetMs;
}

/** Runs fn untimed: `warmup` times, and then on until `warmupMs` have gone. */
export function warmUp(fn: () => void, { warmup, warmupMs = 0 }: RepeatOptions): void {
  const t0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - t0 < warmupMs; i++) fn();
}

/** warmUp for asynchronous work. */
export async function warmUpAsync(fn: () => Promise<void>, { warmup, warmupMs = 0 }: RepeatOptions): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - t0 < warmupMs; i++) await fn();
}

/** Runs fn `warmup` times untimed, then `reps` times timed (fewer past `budgetMs`); returns the median time of one run in ms. */
export function timeRepeated(fn: () => void, opts: RepeatOptions): number {
  warmUp(fn, opts);
  const times: number[] = [];
  while (!enough(times, opts)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** timeRepeated for asynchronous work: each run is awaited before the next starts (and before its time is taken). */
export async function timeRepeatedAsync(fn: () => Promise<void>, opts: RepeatOptions): Promise<number> {
  await warmUpAsync(fn, opts);
  const times: number[] = [];
  while (!enough(times, opts)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Warns when a run of training epochs did not train: a non-finite loss, or a last epoch no better than the first. */
export function checkEpochLosses(who: string, losses: readonly number[]): void {
  const first = losses[0];
  const last = losses[losses.length - 1];
  if (!losses.every(Number.isFinite) || !(last < first)) {
    console.error(`${who}: the epoch losses ${losses.map((l) => l.toFixed(4)).join(', ')} do not show training`);
  }
}

/** Formats a number with `digits` significant digits but never in exponent form (e.g. 0.0123, 12.3, 1234). */
export function fmtNum(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(decimals);
}

/** Bytes to mebibytes. */
export function toMB(bytes: number): number {
  return bytes / (1024 * 1024);
}
