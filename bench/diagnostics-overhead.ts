/**
 * What fit's diagnostics cost: a 784-128-128-10 ReLU MLP and a 784-128-128-10 tanh MLP trained
 * on 2,048 random samples in batches of 32 (64 steps per epoch), 2 epochs per run, with
 * diagnostics off, with the cheap ones (gradient norms, dead ReLUs, saturation), and with all
 * (adding nanOp: debug mode scanning every op's output and gradient). Prints the median over 7
 * interleaved runs of the CPU time per step and the overhead against off.
 *
 * Run: node --conditions=source --import tsx bench/diagnostics-overhead.ts
 */
import { mlp, fit, SGD, manualSeed, randn, randomInt, zeros, type DiagnosticsOptions, type ActivationName } from '../src/index.js';

manualSeed(1);
const N = 2048;
const RUNS = 7;
const x = randn([N, 784]);
const y = zeros([N]);
for (let i = 0; i < N; i++) y.data[i] = randomInt(10);

/** CPU milliseconds per step of one 2-epoch run (CPU time, not wall time: less swayed by other processes sharing the cores). */
function oneRun(activation: ActivationName, diagnostics: boolean | DiagnosticsOptions): number {
  manualSeed(2);
  const model = mlp([784, 128, 128, 10], { activation });
  const t0 = process.cpuUsage();
  const h = fit(model, { x, y }, { loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 32, progress: 'none', diagnostics });
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000 / h.steps;
}

const variants: [string, boolean | DiagnosticsOptions][] = [
  ['off', false],
  ['gradNorms + deadRelu + saturation', { nanOp: false }],
  ['all (true, with nanOp)', true],
];
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
for (const act of ['relu', 'tanh'] as const) {
  oneRun(act, true); // warm-up
  // The variants take turns, so a change in the machine's load hits them alike.
  const times = variants.map((): number[] => []);
  for (let r = 0; r < RUNS; r++) variants.forEach(([, d], i) => times[i].push(oneRun(act, d)));
  const base = median(times[0]);
  variants.forEach(([name], i) => {
    const t = median(times[i]);
    console.log(`${act.padEnd(4)} ${name.padEnd(36)} ${t.toFixed(3)} ms/step  ${i === 0 ? '' : `${t >= base ? '+' : ''}${(100 * (t / base - 1)).toFixed(1)} %`}`);
  });
}
