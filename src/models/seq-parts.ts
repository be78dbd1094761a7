/**
 * What the sequence models share: the recurrent layer of a cell type and how to run it from a
 * state, the padding mask of token inputs, the top layer's final state, option checks and the
 * config field readers. Internal to models/ (not exported from the package).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { intOpt, type ModuleConfig, type JsonValue } from '../nn/module.js';
import { RNN, LSTM, GRU, type SeqOptions } from '../nn/rnn.js';
import { PAD_TOKEN } from '../data/sequences.js';

/** The recurrent layer inside a sequence model. */
export type CellType = 'rnn' | 'lstm' | 'gru';

export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export type Recurrent = RNN | LSTM | GRU;

/** A recurrent state: h [L, N, H], or [h, c] for an LSTM. */
export type State = Tensor | [Tensor, Tensor];

/** Checks `cell` is one of CELL_TYPES. */
export function checkCell(what: string, cell: unknown): CellType {
  if (!CELL_TYPES.includes(cell as CellType)) throw new ConfigError(`${what}: cell must be one of ${CELL_TYPES.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(cell)}`);
  return cell as CellType;
}

/** Checks a whole-number option ≥ min. */
export function whole(what: string, field: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(`${what}: ${field} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** A recurrent layer of the given cell type. */
export function makeRecurrent(cell: CellType, inputSize: number, hiddenSize: number, o: { numLayers: number; bidirectional?: boolean; dropout: number }): Recurrent {
  const opts = { numLayers: o.numLayers, bidirectional: o.bidirectional ?? false, dropout: o.dropout };
  if (cell === 'lstm') return new LSTM(inputSize, hiddenSize, opts);
  if (cell === 'gru') return new GRU(inputSize, hiddenSize, opts);
  return new RNN(inputSize, hiddenSize, opts);
}

/** Runs a recurrent layer of any cell type from `state` (null: zeros): [outputs [N, T, D·H], final state]. */
export function runRecurrent(rnn: Recurrent, x: Tensor, state: State | null, seq?: SeqOptions): [Tensor, State] {
  if (rnn instanceof LSTM) return rnn.call(x, state as [Tensor, Tensor] | null, seq);
  return rnn.call(x, state as Tensor | null, seq);
}

/** Checks tokens are [N, T]. */
export function checkTokens(what: string, x: Tensor): void {
  if (!(x instanceof Tensor) || x.ndim !== 2) throw new ShapeError(`${what}: tokens must be [N, T], got ${x instanceof Tensor ? fmtShape(x.shape) : String(x)}`);
}

/**
 * The mask [N, T] of real tokens: 1 where x is not `pad`, 0 where it is; null when no step is
 * padded. The recurrence carries its state unchanged over the 0s, so the final state is the one
 * after each sequence's last real token.
 */
export function paddingMask(x: Tensor, pad: number): Tensor | null {
  const m = new Float32Array(x.size);
  let padded = false;
  for (let i = 0; i < x.size; i++) {
    if (x.data[i] === pad) padded = true;
    else m[i] = 1;
  }
  return padded ? new Tensor(m, x.shape) : null;
}

/** Each row's real tokens in reverse order, the padding still at the end: [a, b, c, PAD] → [c, b, a, PAD]. */
export function reversedTokens(x: Tensor): Tensor {
  const [n, t] = x.shape;
  const out = new Float32Array(x.size);
  for (let i = 0; i < n; i++) {
    const row = x.data.subarray(i * t, (i + 1) * t);
    let len = t;
    while (len > 0 && row[len - 1] === PAD_TOKEN) len--;
    for (let j = 0; j < len; j++) out[i * t + j] = row[len - 1 - j];
  }
  return new Tensor(out, x.shape);
}

/** The last layer's final state(s) side by side: h [L·D, N, H] → [N, D·H]. */
export function topState(h: Tensor, numLayers: number, dirs: number): Tensor {
  const top = ops.slice(h, (numLayers - 1) * dirs, numLayers * dirs, 0); // [D, N, H]
  const [, n, hidden] = top.shape;
  return dirs === 1 ? ops.reshape(top, [n, hidden]) : ops.reshape(ops.permute(top, [1, 0, 2]), [n, dirs * hidden]);
}


/** Reads an optional whole-number field of a config. */
export function optInt(c: ModuleConfig, key: string): number | undefined {
  return c[key] === undefined || c[key] === null ? undefined : intOpt(c, key);
}

/** Reads an optional string field of a config. */
export function optStr<T extends string>(c: ModuleConfig, key: string): T | undefined {
  const v: JsonValue | undefined = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${c.type}: field '${key}' must be a string, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Reads an optional true/false field of a config. */
export function optBool(c: ModuleConfig, key: string): boolean | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`${c.type}: field '${key}' must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
