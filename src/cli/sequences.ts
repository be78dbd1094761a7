/**
 * The CLI's sequence models (presets parity, reverse, addition). A classifier of token
 * sequences trains like any classifier; an encoder–decoder is trained by teacher forcing (its
 * step feeds the targets to the decoder) and scored by what it writes on its own: `accuracy` is
 * the share of held-out sequences written exactly right. `predict` reads and writes text with
 * the data's symbols, saved in the model's metadata.
 */
import { ConfigError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { softmax } from '../ops/softmax.js';
import type { Module } from '../nn/module.js';
import { TokenVocab, padTokens } from '../data/sequences.js';
import { Seq2Seq, SequenceGenerator } from '../models/seq.js';
import { predict } from '../train/evaluate.js';
import { isTeacherForced } from '../train/teacher-forcing.js';
import type { TrainConfig } from './config.js';

export { isTeacherForced, teacherForcingStep, evaluateSequences } from '../train/teacher-forcing.js';

/** A teacher-forced run is scored on its test set at the end: no validation split, no early stopping. */
export function checkSequenceRun(config: TrainConfig): void {
  if (config.validationSplit) throw new ConfigError(`config.validationSplit: a ${config.model.type} model is scored on the test set after training, not on a validation split; remove it`);
  if (config.earlyStopping) throw new ConfigError(`config.earlyStopping: not supported for a ${config.model.type} model (set epochs instead)`);
}

/** The texts of `--input`: a JSON string or list of strings, or plain text; null when it is JSON of numbers (token rows). */
function inputTexts(input: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return [input];
  }
  if (typeof parsed === 'string') return [parsed];
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((s) => typeof s === 'string')) return parsed as string[];
  if (typeof parsed === 'number') return [input]; // "0110" parses as the number 110: it is text
  return null;
}

/**
 * `backprop predict` for a model trained on token sequences: each input text is encoded with
 * the saved symbols; an encoder–decoder prints what it writes, a classifier the class. Returns
 * null when the input is JSON of numbers (token rows), which the ordinary predict handles.
 */
export function predictTexts(model: Module, symbols: string, input: string, classes: string[] | undefined, out: (line: string) => void): number | null {
  const texts = inputTexts(input);
  if (texts === null) return null;
  const vocab = new TokenVocab(symbols);
  const rows = texts.map((t, i) => {
    if (t.length === 0) throw new ValueError(`predict: input ${i} is empty; give at least one symbol of ${JSON.stringify(symbols)}`);
    return vocab.encode(t);
  });
  const x: Tensor = padTokens(rows);
  if (isTeacherForced(model) && (model instanceof Seq2Seq || model instanceof SequenceGenerator)) {
    const written = model.decode(x);
    texts.forEach((t, i) => out(`sample ${i}: ${JSON.stringify(t)} → ${JSON.stringify(vocab.decode(written[i]))}`));
    return 0;
  }
  const p = noGrad(() => softmax(predict(model, x), 1));
  const c = p.shape[1];
  texts.forEach((t, i) => {
    const row = Array.from(p.data.subarray(i * c, (i + 1) * c));
    const best = row.indexOf(Math.max(...row));
    out(`sample ${i}: ${JSON.stringify(t)} → class ${best}${classes?.[best] !== undefined ? ` (${classes[best]})` : ''} (p = ${row[best].toFixed(3)})`);
  });
  return 0;
}
