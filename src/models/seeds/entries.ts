/**
 * The seed projects' models in the zoo, named by seed (`s000-…` … `s004-…`) so that
 * `mnist-lab models --seed 003` finds a seed's models. Each description says whether the model is a
 * transcription of the seed's own code or a reconstruction from what its README states.
 */
import type { ZooEntry } from '../zoo.js';
import { Session5Net } from './session5-net.js';
import { SkeletonNet } from './skeleton-net.js';
import { Mnist8kModel1, Mnist8kModel2, Mnist8kModel3 } from './mnist8k-models.js';
import { CnnMnist3Net } from './cnn-mnist3-net.js';
import { BasicCnn } from './basic-cnn.js';

/** The course skeleton's widths: the "basic skeleton" (194,884 parameters) and the "lighter model" (10,790). */
const SKELETON_194K = [32, 64, 128, 32, 64, 128] as const;
const SKELETON_10K = [10, 10, 20, 10, 10, 20] as const;

export const SEED_MODELS: readonly ZooEntry[] = [
  {
    name: 's000-i1',
    seed: '000',
    description: 'Seed 000 (Session 5) iteration 1, reconstructed: 4 convs, 2 max pools, FC 250-65-10; no BN',
    create: () => new Session5Net({ widths: [16, 32, 20, 10], hidden: 65 }),
  },
  {
    name: 's000-i2',
    seed: '000',
    description: 'Seed 000 iteration 2, reconstructed: the same body 16-56-56-32 with 2x BatchNorm2d, FC 800-65-10',
    create: () => new Session5Net({ widths: [16, 56, 56, 32], hidden: 65, batchNorm2d: true }),
  },
  {
    name: 's000-i3',
    seed: '000',
    description: 'Seed 000 iteration 3, reconstructed: body 12-36-14-10, 2x BatchNorm2d, FC 250-32-10 with BatchNorm1d',
    create: () => new Session5Net({ widths: [12, 36, 14, 10], hidden: 32, batchNorm2d: true, batchNorm1d: true }),
  },
  {
    name: 's000-i4',
    seed: '000',
    description: 'Seed 000 iteration 4, reconstructed: body 6-20-24-12, 2x BatchNorm2d, FC 300-48-10 with BatchNorm1d',
    create: () => new Session5Net({ widths: [6, 20, 24, 12], hidden: 48, batchNorm2d: true, batchNorm1d: true }),
  },
  {
    name: 's001-m1',
    seed: '001',
    description: "Seed 001 (Session 6) Model 1, reconstructed as the course's lighter skeleton: 8 plain convs, 7x7 conv head; no BN, no GAP",
    create: () => new SkeletonNet({ widths: SKELETON_10K }),
  },
  {
    name: 's002-m1',
    seed: '002',
    description: "Seed MNIST-8k's Model 1 (the seed's code): 7 convs 32-64-128-256-512-1024-10 with biases, 2 max pools",
    create: () => new Mnist8kModel1(),
  },
  {
    name: 's002-m2',
    seed: '002',
    description: "Seed MNIST-8k's Model 2 (the seed's code): 6 convs with BN and Dropout2d, 1x1 conv, AvgPool2d GAP",
    takesDropout: true,
    create: (config) => new Mnist8kModel2({ dropout: config?.dropout }),
  },
  {
    name: 's002-m3',
    seed: '002',
    description: "Seed MNIST-8k's Model 3 (the seed's code): mnist8k-m3 with the seed's Sequential blocks, keys and summary rows",
    takesDropout: true,
    create: (config) => new Mnist8kModel3({ dropout: config?.dropout }),
  },
  {
    name: 's003-i1',
    seed: '003',
    description: "Seed 003 (CNN-MNIST3) iteration 1, reconstructed as the course's basic skeleton (32-64-128, 1x1, 64-128, 7x7 head)",
    create: () => new SkeletonNet({ widths: SKELETON_194K }),
  },
  {
    name: 's003-i2',
    seed: '003',
    description: "Seed 003 iteration 2, reconstructed as the course's lighter skeleton (10-10-20, 1x1, 10-20, 7x7 head); as s001-m1",
    create: () => new SkeletonNet({ widths: SKELETON_10K }),
  },
  {
    name: 's003-i3',
    seed: '003',
    description: 'Seed 003 iteration 3, reconstructed: iteration 2 with BN after every conv and dropout after the last block of each resolution',
    takesDropout: true,
    create: (config) => new SkeletonNet({ widths: SKELETON_10K, batchNorm: true, dropout: config?.dropout ?? 0.1 }),
  },
  {
    name: 's003-i4',
    seed: '003',
    description: 'Seed 003 iteration 4, reconstructed: GAP layout 10-10-9-16-16-20 with BN, dropout in the first and last blocks',
    takesDropout: true,
    create: (config) => new CnnMnist3Net({ dropout: config?.dropout }),
  },
  {
    name: 's004-m1',
    seed: '004',
    description: "Seed 004's Model_1, reconstructed: 2 padded convs (8, 16) with max pools, FC 784-32-10",
    create: () => new BasicCnn(),
  },
];
