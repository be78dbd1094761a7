// Progress display: a bar with steps/s, ETA and running loss on a terminal; a line per epoch when piped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { makeProgress } from '../../src/train/progress.js';

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
