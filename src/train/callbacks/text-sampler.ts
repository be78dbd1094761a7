/**
 * Prints what a language model writes as it learns: after every epoch (or every `every`), a
 * sample continued from `prime` at each temperature. Sampling draws from its own seed and puts
 * the generator back, so printing samples does not change the training run.
 */
import { ConfigError } from '../../errors.js';
import type { Callback, EpochLogs, TrainContext } from '../types.js';

/** A model that continues a text (CharRNN is one): what TextSampler asks of ctx.model. */
export interface TextGenerator {
  generate(prime: string, length: number, options?: { temperature?: number; seed?: number }): string;
}

/** Options of TextSampler. */
export interface TextSamplerOptions {
  /** Characters to generate per sample (default 200). */
  length?: number;
  /** Sampling temperatures, one sample each (default [0.8]): low is cautious, high is adventurous, 0 takes the likeliest. */
  temperatures?: readonly number[];
  /** The text the sample continues (default '': the model's own start). */
  prime?: string;
  /** Sample after every `every` epochs (default 1); the last epoch always samples. */
  every?: number;
  /** Seed of the samples; epoch e draws from seed + e (default 0). */
  seed?: number;
  /** Where a sample goes (default console.log). */
  print?: (line: string) => void;
}

/** One sample printed by TextSampler. */
export interface TextSample {
  epoch: number;
  temperature: number;
  text: string;
}

function isGenerator(m: unknown): m is TextGenerator {
  return typeof (m as Partial<TextGenerator> | null)?.generate === 'function';
}

/** A callback that prints temperature samples of a language model during fit. */
export class TextSampler implements Callback {
  /** Every sample printed so far. */
  readonly samples: TextSample[] = [];
  private readonly length: number;
  private readonly temperatures: readonly number[];
  private readonly prime: string;
  private readonly every: number;
  private readonly seed: number;
  private readonly print: (line: string) => void;

  constructor(options: TextSamplerOptions = {}) {
    this.length = options.length ?? 200;
    this.temperatures = options.temperatures ?? [0.8];
    this.prime = options.prime ?? '';
    this.every = options.every ?? 1;
    this.seed = options.seed ?? 0;
    this.print = options.print ?? ((line) => console.log(line));
    if (!Number.isInteger(this.length) || this.length < 1) throw new ConfigError(`TextSampler: length must be a whole number ≥ 1, got ${this.length}`);
    if (!Number.isInteger(this.every) || this.every < 1) throw new ConfigError(`TextSampler: every must be a whole number ≥ 1, got ${this.every}`);
    if (!Number.isInteger(this.seed) || this.seed < 0) throw new ConfigError(`TextSampler: seed must be a whole number ≥ 0, got ${this.seed}`);
    if (this.temperatures.length === 0 || !this.temperatures.every((t) => Number.isFinite(t) && t >= 0)) {
      throw new ConfigError(`TextSampler: temperatures must be a non-empty list of numbers ≥ 0, got [${this.temperatures.join(', ')}]`);
    }
  }

  /** Checks, before the first epoch, that the model can generate text. */
  onTrainBegin(ctx: TrainContext): void {
    if (!isGenerator(ctx.model)) throw new ConfigError(`TextSampler: the model (${ctx.model.constructor.name}) has no generate(prime, length, options) method`);
  }

  /** Prints the samples of epoch `epoch`. */
  onEpochEnd(epoch: number, _logs: EpochLogs, ctx: TrainContext): void {
    if ((epoch + 1) % this.every !== 0 && epoch + 1 !== ctx.epochs) return;
    const model = ctx.model as unknown as TextGenerator;
    for (const temperature of this.temperatures) {
      const text = model.generate(this.prime, this.length, { temperature, seed: this.seed + epoch });
      this.samples.push({ epoch, temperature, text });
      this.print(`sample after epoch ${epoch + 1} (temperature ${temperature}):\n${indent(this.prime + text)}`);
    }
  }
}

/** The text indented by two spaces per line, so a sample stands apart from the progress lines. */
function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
