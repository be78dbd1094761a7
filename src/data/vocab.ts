/**
 * Text as token indices: a character vocabulary that turns text into indices and back, the
 * unigram entropy a character-level language model must beat, and padding of variable-length
 * sequences into one batch with their lengths and mask (padSequences). No file access, so the
 * browser build has it too; the bundled corpora (loadText) live in text.ts.
 */
import { ValueError } from '../errors.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';

/** A character vocabulary as JSON (CharVocab.toJSON), saved beside a language model. */
export interface CharVocabJSON {
  type: 'CharVocab';
  /** The characters in index order. */
  chars: string[];
}

/** A character quoted for a message, with its code point when it is a control or invisible character. */
function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa1) ? `${JSON.stringify(c)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : JSON.stringify(c);
}

/**
 * Characters ↔ token indices for a character-level model: token i is the i-th character in
 * code-point order, so the same text always gives the same vocabulary. Characters are whole
 * code points (an emoji is one token, not two UTF-16 halves).
 */
export class CharVocab {
  /** The characters in index order (index i ↔ chars[i]). */
  readonly chars: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  /** A vocabulary of these distinct single characters, in this order. */
  constructor(chars: readonly string[]) {
    if (!Array.isArray(chars) || chars.length === 0) throw new ValueError('CharVocab: needs a non-empty list of characters');
    const index = new Map<string, number>();
    chars.forEach((c: unknown, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) throw new ValueError(`CharVocab: entry ${i} must be one character, got ${JSON.stringify(c) ?? String(c)}`);
      if (index.has(c)) throw new ValueError(`CharVocab: character ${showChar(c)} appears twice (entries ${index.get(c)} and ${i})`);
      index.set(c, i);
    });
    this.chars = Object.freeze(chars.slice());
    this.index = index;
  }

  /** The vocabulary of every distinct character of `text`, sorted by code point. */
  static fromText(text: string): CharVocab {
    if (typeof text !== 'string' || text.length === 0) throw new ValueError('CharVocab.fromText: needs a non-empty string');
    return new CharVocab([...new Set(text)].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0)));
  }

  /** Rebuilds a vocabulary from toJSON()'s output (e.g. read from a saved model's folder). */
  static fromJSON(json: unknown): CharVocab {
    const j = json as Partial<CharVocabJSON> | null;
    if (typeof j !== 'object' || j === null || j.type !== 'CharVocab' || !Array.isArray(j.chars)) {
      throw new ValueError(`CharVocab.fromJSON: expected { type: 'CharVocab', chars: [...] }, got ${JSON.stringify(json)?.slice(0, 80) ?? String(json)}`);
    }
    return new CharVocab(j.chars);
  }

  /** Number of tokens V (the embedding's numEmbeddings and the output layer's width). */
  get size(): number {
    return this.chars.length;
  }

  /** The token index of each character of `text`; a character not in the vocabulary is a ValueError naming it. */
  encode(text: string): number[] {
    if (typeof text !== 'string') throw new ValueError(`CharVocab.encode: expected a string, got ${typeof text}`);
    const out: number[] = [];
    for (const c of text) {
      const i = this.index.get(c);
      if (i === undefined) throw new ValueError(`CharVocab.encode: character ${showChar(c)} at position ${out.length} is not in the vocabulary of ${this.size} characters`);
      out.push(i);
    }
    return out;
  }

  /** The text of token indices (numbers, or a tensor's data); an index outside 0 … size−1 is a ValueError. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const k = ids[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.size) {
        throw new ValueError(`CharVocab.decode: token ${k} at position ${i} is not an index in 0 … ${this.size - 1}`);
      }
      s += this.chars[k];
    }
    return s;
  }

  /** The vocabulary as JSON, for CharVocab.fromJSON. */
  toJSON(): CharVocabJSON {
    return { type: 'CharVocab', chars: [...this.chars] };
  }
}

/**
 * The entropy of the text's character frequencies, H = −Σ p(c) ln p(c), in nats per character:
 * the cross-entropy loss of the best model that ignores context. A language model that learned
 * anything about sequences gets below it.
 */
export function unigramEntropy(text: string): number {
  if (typeof text !== 'string' || text.length === 0) throw new ValueError('unigramEntropy: needs a non-empty string');
  const counts = new Map<string, number>();
  let n = 0;
  for (const c of text) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const k of counts.values()) h -= (k / n) * Math.log(k / n);
  return h;
}

/** Options of padSequences. */
export interface PadOptions {
  /** The value written at padded steps (default 0). */
  value?: number;
  /** The batch's length T (default the longest sequence); longer sequences are cut to their first maxLen steps. */
  maxLen?: number;
}

/** A padded batch: the values, each sequence's real length, and the mask of real steps. */
export interface PaddedBatch {
  /** [N, T]: sequence n in x[n, 0 … lengths[n]−1], then `value`. */
  x: Tensor;
  /** The number of real steps of each sequence (after any cut to maxLen). */
  lengths: number[];
  /** [N, T] of 1 at real steps and 0 at padded ones, as the recurrent layers take it. */
  mask: Tensor;
}

/**
 * Pads sequences of different lengths (token indices or any numbers) into one [N, T] batch,
 * with their lengths and a 0/1 mask, so an RNN can run them together and ignore the padding.
 */
export function padSequences(seqs: readonly (readonly number[])[], options: PadOptions = {}): PaddedBatch {
  if (!Array.isArray(seqs) || seqs.length === 0) throw new ValueError('padSequences: needs a non-empty list of sequences');
  const value = options.value ?? 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`padSequences: value must be a finite number, got ${String(value)}`);
  seqs.forEach((s, n) => {
    if (!Array.isArray(s)) throw new ValueError(`padSequences: sequence ${n} is not a list of numbers`);
    if (s.length === 0) throw new ValueError(`padSequences: sequence ${n} is empty; every sequence needs at least one step`);
  });
  const longest = seqs.reduce((m, s) => Math.max(m, s.length), 0);
  const t = options.maxLen ?? longest;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1) throw new ValueError(`padSequences: maxLen must be a whole number ≥ 1, got ${String(t)}`);
  const n = seqs.length;
  const x = allocDefault(n * t, 'padSequences: x');
  const mask = allocDefault(n * t, 'padSequences: mask');
  const lengths = seqs.map((s, i) => {
    const len = Math.min(s.length, t);
    for (let j = 0; j < t; j++) {
      if (j < len) {
        const v = s[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`padSequences: sequence ${i}, step ${j} is ${String(v)}, not a finite number`);
        x[i * t + j] = v;
        mask[i * t + j] = 1;
      } else x[i * t + j] = value;
    }
    return len;
  });
  return { x: new Tensor(x, [n, t]), lengths, mask: new Tensor(mask, [n, t]) };
}
