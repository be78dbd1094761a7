/**
 * Embedding, as PyTorch's nn.Embedding: a learned table `weight` [numEmbeddings, embeddingDim]
 * (init N(0, 1)) whose row i is the vector of token i. The input is a tensor of indices of any
 * shape; the output adds one axis of size embeddingDim. With paddingIdx, that row starts at zero
 * and never receives a gradient, so padding stays a zero vector through training.
 */
import { ConfigError } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { embedding } from '../ops/embedding.js';
import { normal } from './init.js';
import { Module, registerModuleType, intOpt, type ModuleConfig } from './module.js';

/** Options of Embedding. */
export interface EmbeddingLayerOptions {
  /** The padding token's row: zero at init and never updated (negative counts from the end). */
  paddingIdx?: number | null;
}

/** A lookup table of learned vectors, one per token index (PyTorch's nn.Embedding). */
export class Embedding extends Module {
  /** The table W [numEmbeddings, embeddingDim]; row i is token i's vector. */
  readonly weight: Tensor;
  /** The padding row in 0 … numEmbeddings−1, or null. */
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`Embedding: ${k} must be a whole number ≥ 1, got ${String(v)}`);
    }
    const p = options.paddingIdx ?? null;
    if (p !== null && (typeof p !== 'number' || !Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new ConfigError(`Embedding: paddingIdx must be a whole number in −${numEmbeddings} … ${numEmbeddings - 1} (numEmbeddings = ${numEmbeddings}), got ${String(p)}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = this.registerParameter('weight', normal(zeros([numEmbeddings, embeddingDim])));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  /** The vectors of `indices` (whole numbers in a tensor of any shape): shape [...indices.shape, embeddingDim]. */
  override forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override toConfig(): ModuleConfig {
    return { type: 'Embedding', numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx };
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}

registerModuleType('Embedding', (c: ModuleConfig) => {
  const p = c.paddingIdx;
  if (p !== undefined && p !== null && typeof p !== 'number') throw new ConfigError(`Embedding: field 'paddingIdx' must be a number or null, got ${JSON.stringify(p)}`);
  return new Embedding(intOpt(c, 'numEmbeddings'), intOpt(c, 'embeddingDim'), { paddingIdx: p ?? null });
});
