/**
 * Progress reporting for fit: a progress bar per epoch on a terminal (steps/s, ETA, running
 * loss), one line per epoch when output is piped, or nothing.
 */
import cliProgress from 'cli-progress';

/** How fit reports progress: 'auto' picks 'bar' on a terminal, 'lines' otherwise. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Receives fit's progress events. */
export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, steps: number): void;
  batch(step: number, loss: number): void;
  epochEnd(line: string): void;
  message(line: string): void;
  close(): void;
}

/** Where progress is written: a text stream such as process.stderr (typed without Node's types, for users' projects). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A reporter for the given mode, writing to stream (default stderr). */
export function makeProgress(mode: ProgressMode, stream: ProgressStream = process.stderr): ProgressReporter {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') {
    return { epochStart() {}, batch() {}, epochEnd() {}, message() {}, close() {} };
  }
  if (resolved === 'lines') {
    return {
      epochStart() {},
      batch() {},
      epochEnd(line) { stream.write(`${line}\n`); },
      message(line) { stream.write(`${line}\n`); },
      close() {},
    };
  }
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  let lastDraw = 0;
  return {
    epochStart(epoch, epochs, steps) {
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: `epoch ${epoch + 1}/${epochs} |{bar}| {value}/{total} steps | {rate} steps/s | ETA {eta_formatted} | loss {loss}`,
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      started = Date.now();
      bar.start(steps, 0, { loss: '-', rate: '-' });
    },
    batch(step, loss) {
      const now = Date.now();
      if (!bar || (now - lastDraw < 100 && step < bar.getTotal())) return;
      lastDraw = now;
      const rate = step / Math.max(1e-3, (now - started) / 1000);
      bar.update(step, { loss: loss.toFixed(4), rate: rate.toFixed(0) });
    },
    epochEnd(line) {
      bar?.stop();
      bar = null;
      stream.write(`${line}\n`);
    },
    message(line) {
      stream.write(`${line}\n`);
    },
    close() {
      bar?.stop();
      bar = null;
    },
  };
}
