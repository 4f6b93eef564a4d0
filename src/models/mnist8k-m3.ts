/**
 * Seed MNIST-8k's Model 3 (7,944 parameters): GapNet at widths 10-15-10-16-16-16 with dropout 0.05
 * after every block. Attribute names and order are part of the spec: a state_dict saved from the
 * PyTorch module of the same name loads as it is.
 */
import { GapNet } from './gap-net.js';

export interface Mnist8kM3Config {
  /** Dropout after every conv block. */
  dropout?: number;
  /** See GapNetConfig.fusedBlocks. */
  fusedBlocks?: boolean;
}

export class Mnist8kM3 extends GapNet {
  constructor(config: Mnist8kM3Config = {}) {
    super({ widths: [10, 15, 10, 16, 16, 16], dropout: config.dropout ?? 0.05, fusedBlocks: config.fusedBlocks });
  }
}
