/**
 * The CLI's sequence models (presets parity, reverse, addition, number-words). A classifier of token
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
import { TokenVocab, padTokens, numberCodes } from '../data/sequences.js';
import { Seq2Seq, SequenceGenerator } from '../models/seq.js';
import { predict } from '../train/evaluate.js';
import { isTeacherForced } from '../train/teacher-forcing.js';
import type { TrainConfig } from './config.js';

export { isTeacherForced, teacherForcingStep, evaluateSequences } from '../train/teacher-forcing.js';

/**
 * A teacher-forced run is scored on its test set at the end: no validation split, no early
 * stopping. Its model must write every target token (y) and, for a generator, take the data's
 * vectors (x): checked here so the config field is named before training starts.
 */
export function checkSequenceRun(config: TrainConfig, model: Module, train: { x: Tensor; y: Tensor }): void {
  if (config.validationSplit) throw new ConfigError(`config.validationSplit: a ${config.model.type} model is scored on the test set after training, not on a validation split; remove it`);
  if (config.earlyStopping) throw new ConfigError(`config.earlyStopping: not supported for a ${config.model.type} model (set epochs instead)`);
  const [field, size] = model instanceof SequenceGenerator ? ['vocabSize', model.vocabSize] : model instanceof Seq2Seq ? ['tgtVocab', model.tgtVocab] : ['', 0];
  if (!field) return;
  let top = 0;
  for (const v of train.y.data) if (v > top) top = v;
  // Tokens count PAD, START and END before the data's symbols.
  if (top >= size) throw new ConfigError(`config.model.${field}: the targets use tokens 0 … ${top} (the data's symbols after PAD, START and END), so it must be at least ${top + 1}, got ${size}`);
  if (model instanceof SequenceGenerator && train.x.shape[1] !== model.codeSize) {
    throw new ConfigError(`config.model.codeSize: the data's vectors have ${train.x.shape[1]} values (number-words: 10 per digit), got ${model.codeSize}`);
  }
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
 * The numbers of `--input` for a model that writes a number's words: "42", 42, or a list of
 * them; each must be a whole number of at most `digits` digits. Errors name the input.
 */
function inputNumbers(input: string, digits: number, usage: (msg: string) => Error): { texts: string[]; numbers: number[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    parsed = input;
  }
  const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const top = 10 ** digits;
  const example = `--input '["42", "${top - 1}"]'`;
  if (items.length === 0) throw usage(`predict: --input is an empty list; give numbers, e.g. ${example}`);
  const texts = items.map((v, i) => {
    const text = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : JSON.stringify(v);
    if (!/^\d+$/.test(text)) throw usage(`predict: input ${i} (${JSON.stringify(v)}) is not a whole number: this model writes the words of the numbers 0 … ${top - 1}, e.g. ${example}`);
    if (Number(text) >= top) throw usage(`predict: input ${i} (${JSON.stringify(v)}) has too many digits: this model learned numbers of at most ${digits} digit${digits > 1 ? 's' : ''} (0 … ${top - 1})`);
    return text;
  });
  return { texts, numbers: texts.map(Number) };
}

/** A number-words generator: the words of each input number, read from its one-hot digit code. */
function predictNumberWords(model: SequenceGenerator, vocab: TokenVocab, input: string, out: (line: string) => void, usage: (msg: string) => Error): number {
  // The code holds 10 one-hot values per digit (numberCodes): the model's codeSize says how many digits.
  const digits = model.codeSize / 10;
  if (!Number.isInteger(digits) || digits < 1 || digits > 3) throw usage(`predict: this SequenceGenerator takes vectors of ${model.codeSize} values, not the one-hot digits of number-words data (10, 20 or 30)`);
  const { texts, numbers } = inputNumbers(input, digits, usage);
  const written = model.generate(numberCodes(numbers, digits));
  texts.forEach((t, i) => out(`sample ${i}: ${JSON.stringify(t)} → ${JSON.stringify(vocab.decode(written[i]))}`));
  return 0;
}

/**
 * `backprop predict` for a model trained on token sequences: each input text is encoded with
 * the saved symbols; an encoder–decoder prints what it writes, a classifier the class, a
 * number-words generator the words of each input number. Returns null when the input is JSON of
 * numbers (token rows), which the ordinary predict handles. Input a model cannot take is
 * reported with `usage` (a usage error: exit code 2).
 */
export function predictTexts(model: Module, symbols: string, input: string, classes: string[] | undefined, out: (line: string) => void, usage: (msg: string) => Error): number | null {
  if (model instanceof SequenceGenerator) return predictNumberWords(model, new TokenVocab(symbols), input, out, usage);
  const texts = inputTexts(input);
  if (texts === null) return null;
  const vocab = new TokenVocab(symbols);
  const rows = texts.map((t, i) => {
    if (t.length === 0) throw new ValueError(`predict: input ${i} is empty; give at least one symbol of ${JSON.stringify(symbols)}`);
    return vocab.encode(t);
  });
  const x: Tensor = padTokens(rows);
  if (isTeacherForced(model) && model instanceof Seq2Seq) {
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
