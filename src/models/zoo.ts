/**
 * The model zoo: every architecture the CLI and experiments can name. Each entry builds a fresh,
 * freshly initialised model (from the engine's init generator) and says where it comes from.
 */
import type { Module } from '../nn/module.js';
import { MnistLabError } from '../util/errors.js';
import type { ModelConfig } from '../train/run-spec.js';
import { Mnist8kM3 } from './mnist8k-m3.js';
import { GapNet } from './gap-net.js';
import { BaselineFc } from './baseline-fc.js';
import { bnGapNet16k } from './bn-gap-net.js';
import { SepGapNet } from './sep-gap-net.js';
import { SEED_MODELS } from './seeds/entries.js';

/** The zoo's configuration knobs: those a RunSpec's model.config may set. */
export type { ModelConfig } from '../train/run-spec.js';

export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  readonly create: (config?: ModelConfig) => Module;
  /** Whether `create` honours `config.dropout`; a dropout asked of any other model is refused, not ignored. */
  readonly takesDropout?: boolean;
  /** The seed project (000-004, as in shared/seeds) whose model this is; `mnist-lab models --seed 003` filters on it. */
  readonly seed?: string;
}

const entries: ZooEntry[] = [
  {
    name: 'mnist8k-m3',
    seed: '002',
    description: "Seed MNIST-8k's Model 3: 6 conv blocks with BN and dropout, 1x1 transitions, GAP (the reference)",
    takesDropout: true,
    create: (config) => new Mnist8kM3({ dropout: config?.dropout }),
  },
  {
    name: 'baseline-fc',
    description: 'Heavy baseline: three plain convs, two max pools, two fully connected layers; no BN, no dropout',
    create: () => new BaselineFc(),
  },
  {
    name: 'bn-gap-16k',
    description: 'BN after every 3x3 conv and global average pooling, m3 layout with wider layers',
    create: () => bnGapNet16k(),
  },
  {
    name: 'gapnet-8k',
    description: 'm3 layout rebalanced toward the deep end (widths 10-16-10-14-16-18), no dropout; iterations 5-11',
    takesDropout: true,
    create: (config) => new GapNet({ widths: [10, 16, 10, 14, 16, 18], dropout: config?.dropout }),
  },
  {
    name: 'gapnet-8k-deep',
    description: 'GapNet with a fourth 3x3 block after the pool (widths 8-16-8-12-14-14-16): GAP over 4x4, receptive field 22',
    takesDropout: true,
    create: (config) => new GapNet({ widths: [8, 16, 8, 12, 14, 14, 16], dropout: config?.dropout }),
  },
  {
    name: 'gapnet-5k',
    description: 'mnist-lab record attempt <= 5k: the same layout at widths 8-12-8-12-12-14',
    takesDropout: true,
    create: (config) => new GapNet({ widths: [8, 12, 8, 12, 12, 14], dropout: config?.dropout }),
  },
  {
    name: 'sepnet-8k',
    description: 'mnist-lab champion <= 8k: GapNet stem (10-16), then four depthwise-separable 3x3 blocks 36 wide; no dropout',
    create: () => new SepGapNet({ stem: [10, 16], widths: [36, 36, 36, 36] }),
  },
  // Record candidates (issue 17 a, b), ranked by the 5-fold sweeps sweeps/record-8k.json and record-5k.json.
  {
    name: 'sepnet-8k-dwbn',
    description: '<= 8k candidate: sepnet-8k with a BN and ReLU between each depthwise and pointwise conv, blocks 35 wide',
    create: () => new SepGapNet({ stem: [10, 16], widths: [35, 35, 35, 35], depthwiseNorm: true }),
  },
  {
    name: 'sepnet-8k-light',
    description: '<= 8k candidate: a lighter dense stem (8-12, 976 parameters instead of 1,582) for four separable blocks 39 wide',
    create: () => new SepGapNet({ stem: [8, 12], widths: [39, 39, 39, 39] }),
  },
  {
    name: 'sepnet-8k-deep',
    description: '<= 8k candidate: sepnet-8k with five separable blocks 31 wide (GAP over 2x2)',
    create: () => new SepGapNet({ stem: [10, 16], widths: [31, 31, 31, 31, 31] }),
  },
  {
    name: 'sepnet-5k',
    description: '<= 5k candidate: SepGapNet with stem 8-12 and four separable blocks 27-28-28-28 (probe SE1)',
    create: () => new SepGapNet({ stem: [8, 12], widths: [27, 28, 28, 28] }),
  },
  {
    name: 'sepnet-5k-deep',
    description: '<= 5k candidate: SepGapNet with stem 8-12 and five separable blocks 23 wide (GAP over 2x2)',
    create: () => new SepGapNet({ stem: [8, 12], widths: [23, 23, 23, 23, 23] }),
  },
  // The frontier below 5k (issue 17 c): the two layouts above scaled down to 3k and 2k budgets, so that a
  // sweep can choose between dense and separable blocks at each size on validation.
  {
    name: 'sepnet-3k',
    description: 'frontier <= 3k: SepGapNet with stem 8-12 and four separable blocks 17 wide',
    create: () => new SepGapNet({ stem: [8, 12], widths: [17, 17, 17, 17] }),
  },
  {
    name: 'gapnet-3k',
    description: 'frontier <= 3k: GapNet at widths 6-10-6-8-10-10',
    takesDropout: true,
    create: (config) => new GapNet({ widths: [6, 10, 6, 8, 10, 10], dropout: config?.dropout }),
  },
  {
    name: 'sepnet-2k',
    description: 'frontier <= 2k: SepGapNet with stem 6-10 and four separable blocks 13 wide',
    create: () => new SepGapNet({ stem: [6, 10], widths: [13, 13, 13, 13] }),
  },
  {
    name: 'gapnet-2k',
    description: 'frontier <= 2k: GapNet at widths 4-8-6-6-8-8',
    takesDropout: true,
    create: (config) => new GapNet({ widths: [4, 8, 6, 6, 8, 8], dropout: config?.dropout }),
  },
  {
    name: 'sepnet-1k',
    description: "at the smallest published anchor's budget (1,055): SepGapNet with stem 4-8 and four separable blocks 8 wide",
    create: () => new SepGapNet({ stem: [4, 8], widths: [8, 8, 8, 8] }),
  },
  ...SEED_MODELS,
];

export function registerModel(entry: ZooEntry): void {
  if (entries.some((e) => e.name === entry.name)) throw new Error(`zoo: a model named ${entry.name} is already registered`);
  entries.push(entry);
}

export function listModels(): readonly ZooEntry[] {
  return entries;
}

export function getModelEntry(name: string): ZooEntry {
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    throw new MnistLabError(`unknown model '${name}'; run 'mnist-lab models' to list them (${entries.map((e) => e.name).join(', ')})`);
  }
  return entry;
}

export function createModel(name: string, config?: ModelConfig): Module {
  const entry = getModelEntry(name);
  if (config?.dropout !== undefined && !entry.takesDropout) {
    const takers = entries.filter((e) => e.takesDropout).map((e) => e.name).join(', ');
    throw new MnistLabError(`dropout ${config.dropout} was asked for, but model '${name}' has no dropout layer; drop --dropout (or the recipe's dropout), or pick a model that has one (${takers})`);
  }
  return entry.create(config);
}
