/**
 * Cost of debug mode (setDebug) per training step of a 784-128-10 MLP on batches of 32: forward,
 * cross-entropy and backward, with debug mode off (one boolean check per op) and on (every op's
 * output and every gradient scanned for NaN/Inf, module path noted on each node). Prints the
 * median CPU time per step over 7 runs of 200 steps each.
 *
 * Run: node --conditions=source --import tsx bench/debug-mode.ts
 */
import { crossEntropy, manualSeed, mlp, randn, randomInt, setDebug, tensor } from '../src/index.js';

manualSeed(1);
const model = mlp([784, 128, 10]);
const x = randn([32, 784]);
const labels = tensor(Array.from({ length: 32 }, () => randomInt(10)));
const STEPS = 200;

function step(): void {
  for (const p of model.parameters()) p.zeroGrad();
  crossEntropy(model.call(x), labels).backward();
}

function medianCpuMs(): number {
  const ms: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.cpuUsage();
    for (let s = 0; s < STEPS; s++) step();
    const d = process.cpuUsage(t0);
    ms.push((d.user + d.system) / 1000 / STEPS);
  }
  return ms.sort((a, b) => a - b)[3];
}

for (let s = 0; s < 50; s++) step(); // warm up
const off = medianCpuMs();
setDebug(true);
const on = medianCpuMs();
setDebug(false);
const off2 = medianCpuMs();
console.log(`debug off: ${off.toFixed(3)} ms/step (again after: ${off2.toFixed(3)})`);
const change = (on / Math.min(off, off2) - 1) * 100;
console.log(`debug on:  ${on.toFixed(3)} ms/step (${change >= 0 ? '+' : ''}${change.toFixed(1)}% against the faster off run)`);
