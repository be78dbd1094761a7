/**
 * Small sequence tasks for the lectures' sequence modes, drawn from the seeded generator:
 * - many-to-one: the parity of a bit string of varying length (padded to the longest);
 * - one-to-many: a number's English words from a vector holding its digits (342 → "three hundred forty two");
 * - encoder–decoder: reversing a digit string ("1234" → "4321") and adding two numbers ("12+345" → "357").
 * Every task returns disjoint train and test sets, so the test set holds only unseen sequences.
 * Tokens are whole numbers in float storage (what `embedding` takes): 0 pads, 1 starts and 2 ends
 * a sequence, and the task's symbols follow.
 */
import { ConfigError, ValueError } from '../errors.js';
import { randomInt, randperm } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** Padding token: fills sequences up to the longest in the batch. */
export const PAD_TOKEN = 0;
/** Start token: the first input of a decoder, before it has produced anything. */
export const START_TOKEN = 1;
/** End token: the last output of a decoder, saying the sequence is over. */
export const END_TOKEN = 2;

/** Symbols (one character each) numbered after the three special tokens: PAD 0, START 1, END 2. */
export class TokenVocab {
  /** The symbols in token order: symbols[i] is token i + 3. */
  readonly symbols: readonly string[];
  private readonly ids: Map<string, number>;

  /** A vocabulary of the characters of `symbols` (each once), e.g. '01' or '0123456789+'. */
  constructor(symbols: string | readonly string[]) {
    const list = typeof symbols === 'string' ? [...symbols] : [...symbols];
    if (list.length === 0) throw new ConfigError('TokenVocab: needs at least one symbol');
    this.ids = new Map();
    list.forEach((s, i) => {
      if (typeof s !== 'string' || [...s].length !== 1) throw new ConfigError(`TokenVocab: symbol ${i} must be one character, got ${JSON.stringify(s)}`);
      if (this.ids.has(s)) throw new ConfigError(`TokenVocab: symbol ${JSON.stringify(s)} appears twice`);
      this.ids.set(s, i + 3);
    });
    this.symbols = Object.freeze(list);
  }

  /** Number of tokens: the symbols plus PAD, START and END. */
  get size(): number {
    return this.symbols.length + 3;
  }

  /** The tokens of `text`, one per character; with `end`, END follows. */
  encode(text: string, options: { end?: boolean } = {}): number[] {
    const out: number[] = [];
    for (const ch of text) {
      const id = this.ids.get(ch);
      if (id === undefined) throw new ValueError(`TokenVocab.encode: ${JSON.stringify(ch)} is not one of the symbols ${JSON.stringify(this.symbols.join(''))}`);
      out.push(id);
    }
    if (options.end) out.push(END_TOKEN);
    return out;
  }

  /** The text of tokens up to the first END (PAD and START are skipped). */
  decode(tokens: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === END_TOKEN) break;
      if (t === PAD_TOKEN || t === START_TOKEN) continue;
      const sym = this.symbols[t - 3];
      if (sym === undefined) throw new ValueError(`TokenVocab.decode: token ${t} is outside 0 … ${this.size - 1}`);
      s += sym;
    }
    return s;
  }

  /** The symbols as a string, to save the vocabulary. */
  toJSON(): string {
    return this.symbols.join('');
  }
}

/** Token rows padded with PAD to `width` (default: the longest): a [N, width] tensor. */
export function padTokens(rows: readonly (readonly number[])[], width?: number): Tensor {
  const t = width ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
  const data = new Float32Array(rows.length * t); // PAD_TOKEN is 0
  rows.forEach((r, i) => {
    if (r.length > t) throw new ValueError(`padTokens: row ${i} has ${r.length} tokens, more than the width ${t}`);
    data.set(r, i * t);
  });
  return new Tensor(data, [rows.length, t]);
}

/** One part (train or test) of a sequence-to-sequence task. */
export interface SeqPairs {
  /** Source tokens [N, S], PAD-padded (no START or END). */
  x: Tensor;
  /** Target tokens [N, T]: each target followed by END, then PAD. */
  y: Tensor;
  /** The source strings. */
  inputs: string[];
  /** The target strings. */
  targets: string[];
}

/** One part (train or test) of a sequence classification task. */
export interface SeqLabels {
  /** Tokens [N, T], PAD-padded. */
  x: Tensor;
  /** Class of each sequence [N]. */
  y: Tensor;
  /** Real length of each sequence (before padding). */
  lengths: number[];
  /** The sequences as strings. */
  inputs: string[];
}

/** A task's disjoint train and test parts and its vocabulary. */
export interface SeqTask<P> {
  train: P;
  test: P;
  /** Source (input) vocabulary. */
  vocab: TokenVocab;
  /** Target vocabulary (the source one for tasks that write in the same symbols). */
  targetVocab: TokenVocab;
}

/** Checks a whole-number option in [min, max]. */
function wholeIn(what: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${what} must be a whole number in ${min} … ${max}, got ${v}`);
  return v;
}

/**
 * Draws `count` distinct items, none in `exclude`, by calling `draw` (from the seeded generator);
 * throws a ConfigError when the task has too few different items for the request.
 */
function distinct(what: string, count: number, possible: number, draw: () => string, exclude: ReadonlySet<string> = new Set()): string[] {
  if (count > possible) throw new ConfigError(`${what}: asked for ${count} different sequences but only ${possible} exist${exclude.size ? ' besides the training ones' : ''}`);
  const seen = new Set<string>();
  // Rejection: when nearly all items are asked for, enumerating would be faster, but the tasks here ask for a fraction.
  for (let tries = 0; seen.size < count; tries++) {
    if (tries > 200 * count + 10000) throw new ConfigError(`${what}: could not draw ${count} different sequences; ask for fewer`);
    const s = draw();
    if (!exclude.has(s)) seen.add(s);
  }
  return [...seen];
}

/** Options of parityTask. */
export interface ParityOptions {
  /** Training sequences (default 2000). */
  train?: number;
  /** Test sequences, none of them in the training set (default 500). */
  test?: number;
  /** Shortest bit string (default 2). */
  minLen?: number;
  /** Longest bit string (default 12); every sequence is padded to this length. */
  maxLen?: number;
}

/**
 * Many-to-one: is the number of 1s in a bit string odd? Lengths are uniform in
 * minLen … maxLen; class 1 = odd. The bits are the symbols '0' and '1' (tokens 3 and 4).
 */
export function parityTask(options: ParityOptions = {}): SeqTask<SeqLabels> {
  const nTrain = wholeIn('parityTask: train', options.train ?? 2000, 1);
  const nTest = wholeIn('parityTask: test', options.test ?? 500, 1);
  const minLen = wholeIn('parityTask: minLen', options.minLen ?? 2, 1, 30);
  const maxLen = wholeIn('parityTask: maxLen', options.maxLen ?? 12, minLen, 30);
  let possible = 0;
  for (let l = minLen; l <= maxLen; l++) possible += 2 ** l;
  const draw = () => {
    const len = minLen + randomInt(maxLen - minLen + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += randomInt(2) ? '1' : '0';
    return s;
  };
  // Training strings are drawn freely (short ones repeat: there are only 4 of length 2), which
  // gives the many short examples parity is first learned from; test strings are all unseen.
  const train = Array.from({ length: nTrain }, draw);
  const seen = new Set(train);
  const test = distinct('parityTask: test', nTest, possible - seen.size, draw, seen);
  const vocab = new TokenVocab('01');
  const part = (items: string[]): SeqLabels => {
    const y = new Float32Array(items.length);
    items.forEach((s, i) => (y[i] = [...s].filter((c) => c === '1').length % 2));
    return { x: padTokens(items.map((s) => vocab.encode(s)), maxLen), y: new Tensor(y, [items.length]), lengths: items.map((s) => s.length), inputs: items };
  };
  return { train: part(train), test: part(test), vocab, targetVocab: vocab };
}

/** Source and target strings to a SeqPairs part (targets end with END). */
function pairs(vocab: TokenVocab, targetVocab: TokenVocab, inputs: string[], targets: string[], srcWidth: number, tgtWidth: number): SeqPairs {
  return {
    x: padTokens(inputs.map((s) => vocab.encode(s)), srcWidth),
    y: padTokens(targets.map((s) => targetVocab.encode(s, { end: true })), tgtWidth),
    inputs,
    targets,
  };
}

/** The digits and '+': the vocabulary of the digit-string tasks. */
export const DIGITS_VOCAB = new TokenVocab('0123456789+');

/** Options of reverseTask. */
export interface ReverseOptions {
  /** Training strings (default 3000). */
  train?: number;
  /** Test strings, none of them in the training set (default 500). */
  test?: number;
  /** Shortest digit string (default 3). */
  minLen?: number;
  /** Longest digit string (default 6). */
  maxLen?: number;
}

/** Encoder–decoder: a digit string to its reverse, "1234" → "4321"; lengths uniform in minLen … maxLen. */
export function reverseTask(options: ReverseOptions = {}): SeqTask<SeqPairs> {
  const nTrain = wholeIn('reverseTask: train', options.train ?? 3000, 1);
  const nTest = wholeIn('reverseTask: test', options.test ?? 500, 1);
  const minLen = wholeIn('reverseTask: minLen', options.minLen ?? 3, 1, 20);
  const maxLen = wholeIn('reverseTask: maxLen', options.maxLen ?? 6, minLen, 20);
  let possible = 0;
  for (let l = minLen; l <= maxLen; l++) possible += 10 ** l;
  const inputs = distinct('reverseTask', nTrain + nTest, possible, () => {
    const len = minLen + randomInt(maxLen - minLen + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += String(randomInt(10));
    return s;
  });
  const targets = inputs.map((s) => [...s].reverse().join(''));
  const v = DIGITS_VOCAB;
  return {
    train: pairs(v, v, inputs.slice(0, nTrain), targets.slice(0, nTrain), maxLen, maxLen + 1),
    test: pairs(v, v, inputs.slice(nTrain), targets.slice(nTrain), maxLen, maxLen + 1),
    vocab: v,
    targetVocab: v,
  };
}

/** Options of additionTask. */
export interface AdditionOptions {
  /** Training sums (default 5000). */
  train?: number;
  /** Test sums, none of them in the training set (default 500). */
  test?: number;
  /** Most digits of each term (default 3): terms are uniform in 0 … 10^digits − 1. */
  digits?: number;
}

/** Encoder–decoder: a sum written as text to its value, "12+345" → "357". */
export function additionTask(options: AdditionOptions = {}): SeqTask<SeqPairs> {
  const nTrain = wholeIn('additionTask: train', options.train ?? 5000, 1);
  const nTest = wholeIn('additionTask: test', options.test ?? 500, 1);
  const digits = wholeIn('additionTask: digits', options.digits ?? 3, 1, 7);
  const top = 10 ** digits;
  const inputs = distinct('additionTask', nTrain + nTest, top * top, () => `${randomInt(top)}+${randomInt(top)}`);
  const targets = inputs.map((s) => {
    const [a, b] = s.split('+').map(Number);
    return String(a + b);
  });
  const v = DIGITS_VOCAB;
  const srcWidth = 2 * digits + 1;
  const tgtWidth = digits + 2; // the sum's digits (one more than a term's) and END
  return {
    train: pairs(v, v, inputs.slice(0, nTrain), targets.slice(0, nTrain), srcWidth, tgtWidth),
    test: pairs(v, v, inputs.slice(nTrain), targets.slice(nTrain), srcWidth, tgtWidth),
    vocab: v,
    targetVocab: v,
  };
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** A number 0 … 999 in English words: 342 → "three hundred forty two", 15 → "fifteen". */
export function numberWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new ValueError(`numberWords: n must be a whole number in 0 … 999, got ${n}`);
  if (n < 10) return ONES[n];
  if (n < 20) return TEENS[n - 10];
  if (n < 100) return n % 10 ? `${TENS[Math.floor(n / 10)]} ${ONES[n % 10]}` : TENS[n / 10];
  const rest = n % 100;
  return `${ONES[Math.floor(n / 100)]} hundred${rest ? ` ${numberWords(rest)}` : ''}`;
}

/** The letters of numberWords and the space between words. */
export const WORDS_VOCAB = new TokenVocab(' abcdefghijklmnopqrstuvwxyz');

/** One part (train or test) of a one-to-many task: one vector in, one sequence out. */
export interface VectorToSeq {
  /** The vectors [N, K] a sequence is generated from. */
  x: Tensor;
  /** Target tokens [N, T]: each target followed by END, then PAD. */
  y: Tensor;
  /** What each vector stands for (here the number). */
  inputs: string[];
  /** The target strings. */
  targets: string[];
}

/** Options of numberWordsTask. */
export interface NumberWordsOptions {
  /** Numbers held out for the test set (default 100); the others, of 0 … 10^digits − 1, train. */
  test?: number;
  /** Digits (default 3): numbers 0 … 999; 2 gives 0 … 99. */
  digits?: number;
}

/**
 * The vector numberWordsTask feeds in for each number: its digits one-hot, 10 values per digit
 * (units first, then tens, hundreds), so [N, 10·digits]. Numbers must fit in `digits` digits.
 */
export function numberCodes(numbers: readonly number[], digits = 3): Tensor {
  wholeIn('numberCodes: digits', digits, 1, 3);
  const codeSize = 10 * digits;
  const top = 10 ** digits;
  const x = new Float32Array(numbers.length * codeSize);
  numbers.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0 || n >= top) throw new ValueError(`numberCodes: number ${i} must be a whole number in 0 … ${top - 1} (${digits} digit${digits > 1 ? 's' : ''}), got ${n}`);
    for (let d = 0, rest = n; d < digits; d++, rest = Math.floor(rest / 10)) x[i * codeSize + 10 * d + (rest % 10)] = 1;
  });
  return new Tensor(x, [numbers.length, codeSize]);
}

/**
 * One-to-many: a number's English words, character by character, from one vector that holds its
 * digits one-hot (units, tens, hundreds: 10 values each). The test numbers are never seen in
 * training, so a model must compose words it learned from other numbers ("three hundred" from
 * 312, "forty two" from 42 …).
 */
export function numberWordsTask(options: NumberWordsOptions = {}): SeqTask<VectorToSeq> & { codeSize: number } {
  const digits = wholeIn('numberWordsTask: digits', options.digits ?? 3, 1, 3);
  const total = 10 ** digits;
  const nTest = wholeIn('numberWordsTask: test', options.test ?? 100, 1, total - 1);
  const order = randperm(total);
  const codeSize = 10 * digits;
  const part = (numbers: number[]): VectorToSeq => {
    const targets = numbers.map(numberWords);
    return {
      x: numberCodes(numbers, digits),
      y: padTokens(targets.map((s) => WORDS_VOCAB.encode(s, { end: true }))),
      inputs: numbers.map(String),
      targets,
    };
  };
  const test = Array.from(order.subarray(0, nTest)).sort((a, b) => a - b);
  const train = Array.from(order.subarray(nTest));
  // Both parts padded to the same width, so batches and test align.
  const p = { train: part(train), test: part(test) };
  const width = Math.max(p.train.y.shape[1], p.test.y.shape[1]);
  for (const s of [p.train, p.test]) {
    if (s.y.shape[1] < width) s.y = padTokens(s.targets.map((t) => WORDS_VOCAB.encode(t, { end: true })), width);
  }
  return { ...p, vocab: WORDS_VOCAB, targetVocab: WORDS_VOCAB, codeSize };
}
