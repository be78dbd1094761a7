// Progress display: a bar with steps/s, ETA and running loss on a terminal; a line per epoch when piped,
// at most a few a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { makeProgress } from '../../src/train/progress.js';
import { ProgressLogger } from '../../src/train/callbacks/progress-logger.js';
import * as bp from '../../src/index.js';

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  Object.assign(s, { isTTY: tty, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s, text: () => text };
}

test('on a terminal, auto mode draws a progress bar with steps/s, ETA and running loss', async () => {
  const { stream, text } = fakeStream(true);
  const p = makeProgress('auto', stream);
  p.epochStart(0, 3, 10);
  for (let i = 1; i <= 10; i++) {
    await new Promise((r) => setTimeout(r, 12));
    p.batch(i, 1 / i);
  }
  p.epochEnd('epoch 1/3  loss 0.1000');
  p.close();
  const t = text();
  assert.match(t, /epoch 1\/3 \|[█░]+\| \d+\/10 steps \| \d+ steps\/s \| ETA \S+ \| loss \d\.\d{4}/);
  assert.ok(t.includes("epoch 1/3  loss 0.1000\n"));
});

test('piped, auto mode prints only one line per epoch (no bar)', () => {
  const { stream, text } = fakeStream(false);
  const p = makeProgress('auto', stream);
  for (let e = 0; e < 3; e++) {
    p.epochStart(e, 3, 5);
    for (let i = 1; i <= 5; i++) p.batch(i, 0.5);
    p.epochEnd(`epoch ${e + 1}/3  loss 0.5000`);
  }
  p.close();
  assert.deepEqual(text().trim().split('\n'), ['epoch 1/3  loss 0.5000', 'epoch 2/3  loss 0.5000', 'epoch 3/3  loss 0.5000']);
});

// ------------------------------------------------------------------ fit's epoch lines, throttled

/** Runs fn with process.stderr.write captured; returns what was written. */
function captureStderr(fn: () => void): string {
  let text = '';
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return text;
}

test("the README's XOR sample (2000 tiny epochs) prints a few epoch lines, always the first and the last — not 2000", () => {
  bp.manualSeed(0);
  const { x, y } = bp.xorData();
  const model = bp.mlp([2, 2, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
  const t0 = Date.now();
  const text = captureStderr(() => {
    bp.fit(model, { x, y }, {
      loss: 'mse', optimizer: new bp.SGD(model.parameters(), { lr: 2, momentum: 0.9 }), epochs: 2000, batchSize: 'full', metrics: ['accuracy'], progress: 'lines',
    });
  });
  const seconds = (Date.now() - t0) / 1000;
  const lines = text.trim().split('\n');
  assert.match(lines[0], /^epoch 1\/2000 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}lr 2\.00/);
  assert.match(lines[lines.length - 1], /^epoch 2000\/2000 {2}loss /);
  // At most one line per 0.5 s, plus the first and the last.
  assert.ok(lines.length <= 2 + Math.ceil(seconds / 0.5), `${lines.length} lines in ${seconds} s`);
  assert.ok(lines.every((l) => /^epoch \d+\/2000 {2}/.test(l)), text);
});

test('epoch lines are throttled to one per interval on a fake clock; a held last line is flushed at the end', () => {
  let clock = 0;
  const lines: string[] = [];
  const reporter = { epochStart() {}, batch() {}, epochEnd: (l: string) => void lines.push(l), message: (l: string) => void lines.push(`message: ${l}`), close() {} };
  const logger = new ProgressLogger(reporter, { minInterval: 0.5, now: () => clock });
  const history: bp.History = { epochs: [], steps: 0, stopReason: 'epochs', message: 'finished' };
  const ctx = { epochs: 2000, position: { epoch: 0, batch: 1, numBatches: 1, steps: 1, startedAt: Date.now(), rngAtEpochStart: [] }, history } as unknown as bp.TrainContext;
  for (let e = 0; e < 2000; e++) {
    clock = e * 1.3; // 1.3 ms per epoch: 2.6 s in all
    logger.onEpochEnd(e, { loss: 1 / (e + 1) }, ctx);
  }
  logger.onTrainEnd(history, ctx);
  // Printed at 0, 500.5 (index 385), 1001 (770), 1501.5 (1155), 2002 (1540), 2502.5 (1925) ms, then the held last one.
  assert.deepEqual(lines.map((l) => l.split('  ')[0]), ['epoch 1/2000', 'epoch 386/2000', 'epoch 771/2000', 'epoch 1156/2000', 'epoch 1541/2000', 'epoch 1926/2000', 'epoch 2000/2000']);
  assert.match(lines[6], /^epoch 2000\/2000 {2}loss 0\.0005 {2}\d+\.\ds/, 'the held line is the last epoch\'s');
});
