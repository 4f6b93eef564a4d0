/**
 * DataLoader: iterates a Dataset in batches of float images, like torch.utils.data.DataLoader with a
 * ToTensor + `transform` pipeline, on the calling thread.
 *
 * - Each image goes uint8 -> [0, 1] float (ToTensor: x / 255 in float32) -> `transform`, which by
 *   default is Normalize(0.1307, 0.3081). Augmentations draw from the loader's 'augment' RNG, the
 *   per-epoch permutation from its 'shuffle' RNG (both derived from `seed`).
 * - Buffers are reused: a yielded batch (its arrays included) is valid only until the next one is
 *   requested. Copy what you need to keep. Steady-state iteration allocates no buffers (what is left
 *   is a few boxed numbers per image from the RNG: a couple of young-generation GCs per 60k epoch).
 * - stateDict()/loadStateDict() capture exactly what has been handed out (epoch, batches of the
 *   current epoch, both RNG states), so a loader restored from a checkpoint yields the same batches,
 *   shuffles and augmentations as the original run would have, even mid-epoch. For the same reason a
 *   new iteration continues an epoch that an earlier loop left early (PyTorch would start a new one).
 */
import { MnistLabError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';
import type { Dataset } from './dataset.js';
import { Normalize } from './transforms/normalize.js';
import type { Transform } from './transforms/transform.js';

export interface Batch {
  /** size*1*height*width floats (NCHW with one channel). */
  readonly images: Float32Array;
  /** size class indices. */
  readonly labels: Int32Array;
  /** Positions in the dataset of these images (for reports of misclassified digits). */
  readonly indices: Uint32Array;
  readonly size: number;
}

export interface DataLoaderOptions {
  readonly batchSize: number;
  /** Draw a new random order every epoch. Default false. */
  readonly shuffle?: boolean;
  /** Skip the last incomplete batch. Default false. */
  readonly dropLast?: boolean;
  /** Seeds the 'shuffle' and 'augment' generators. Default 0. */
  readonly seed?: number;
  /** Applied to each [0, 1] float image; default Normalize(0.1307, 0.3081); null leaves [0, 1]. */
  readonly transform?: Transform | null;
  /**
   * Allocates the images buffer (batchSize*height*width floats); e.g. a backend's alloc, so the
   * trainer can wrap batches in tensors without copying. Default: a plain Float32Array.
   */
  readonly allocate?: (length: number) => Float32Array;
}

/** Everything needed to continue iteration exactly; plain JSON for checkpoint metadata. */
export interface DataLoaderState {
  /** Completed epochs. */
  readonly epoch: number;
  /** Batches already handed out in the current epoch. */
  readonly batchesDone: number;
  /** The shuffle RNG as it was before drawing the current epoch's order. */
  readonly shuffleRngState: RngState;
  readonly augmentRngState: RngState;
  /** Recorded to reject a state from a loader over other data or another batch size. */
  readonly datasetSize: number;
  readonly batchSize: number;
}

interface MutableBatch {
  images: Float32Array;
  labels: Int32Array;
  indices: Uint32Array;
  size: number;
}

export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /**
   * Applied to every image as it is batched. Settable between epochs, e.g. to end augmentation
   * early (recipe.augmentation.untilEpoch); the shuffle order does not depend on it.
   */
  transform: Transform | null;
  /** Batches per epoch. */
  readonly length: number;

  private epochCount = 0;
  private batchesDone = 0;
  private readonly shuffleRng: Rng;
  private readonly augmentRng: Rng;
  private epochShuffleState: RngState;
  private readonly order: Uint32Array;
  private readonly scratch: Float32Array;
  private readonly fullBatch: MutableBatch;
  /** Views of the buffers for a last, smaller batch (null when every batch is full). */
  private readonly tailBatch: MutableBatch | null;
  private generation = 0;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new MnistLabError(`DataLoader: batch size must be a whole number >= 1, got ${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.transform = options.transform === undefined ? new Normalize() : options.transform;
    this.length = this.dropLast ? Math.floor(dataset.n / batchSize) : Math.ceil(dataset.n / batchSize);
    if (this.length === 0) {
      throw new MnistLabError(
        `DataLoader: ${dataset.n} images give no ${this.dropLast ? 'complete ' : ''}batch of ${batchSize}; ` +
          'use a smaller batch size or more data',
      );
    }
    const seed = options.seed ?? 0;
    this.shuffleRng = Rng.forPurpose(seed, 'shuffle');
    this.augmentRng = Rng.forPurpose(seed, 'augment');
    this.epochShuffleState = this.shuffleRng.getState();
    this.order = new Uint32Array(dataset.n);
    this.resetOrder();

    const pixels = dataset.height * dataset.width;
    this.scratch = new Float32Array(pixels);
    const images = options.allocate ? options.allocate(batchSize * pixels) : new Float32Array(batchSize * pixels);
    if (images.length !== batchSize * pixels) {
      throw new Error(`DataLoader: allocate(${batchSize * pixels}) returned ${images.length} floats`);
    }
    const labels = new Int32Array(batchSize);
    const indices = new Uint32Array(batchSize);
    this.fullBatch = { images, labels, indices, size: batchSize };
    const tail = dataset.n % batchSize;
    this.tailBatch =
      !this.dropLast && tail !== 0
        ? {
            images: images.subarray(0, tail * pixels),
            labels: labels.subarray(0, tail),
            indices: indices.subarray(0, tail),
            size: tail,
          }
        : null;
  }

  /** Completed epochs (how many times the loader has been iterated to the end). */
  get epoch(): number {
    return this.epochCount;
  }

  [Symbol.iterator](): Iterator<Batch> {
    const generation = ++this.generation;
    const epochAtStart = this.epochCount;
    const result: { value: Batch; done: false } = { value: this.fullBatch, done: false };
    const finished: IteratorReturnResult<undefined> = { value: undefined, done: true };
    return {
      next: (): IteratorResult<Batch> => {
        if (generation !== this.generation) {
          throw new Error('DataLoader: a newer iteration has started; only the latest iterator may be used');
        }
        if (this.epochCount !== epochAtStart) return finished;
        result.value = this.nextBatch();
        return result;
      },
    };
  }

  stateDict(): DataLoaderState {
    return {
      epoch: this.epochCount,
      batchesDone: this.batchesDone,
      shuffleRngState: this.epochShuffleState,
      augmentRngState: this.augmentRng.getState(),
      datasetSize: this.dataset.n,
      batchSize: this.batchSize,
    };
  }

  loadStateDict(state: DataLoaderState): void {
    if (state.datasetSize !== this.dataset.n || state.batchSize !== this.batchSize) {
      throw new MnistLabError(
        `DataLoader state: saved for ${state.datasetSize} images in batches of ${state.batchSize}, ` +
          `but this loader has ${this.dataset.n} in batches of ${this.batchSize}; resume with the original data and batch size`,
      );
    }
    const isRngState = (x: unknown) => Array.isArray(x) && x.length === 4 && x.every((v) => Number.isInteger(v));
    if (!isRngState(state.shuffleRngState) || !isRngState(state.augmentRngState) || !Number.isInteger(state.epoch)) {
      throw new MnistLabError('DataLoader state: the saved epoch or RNG states are malformed; the checkpoint is damaged');
    }
    if (!Number.isInteger(state.batchesDone) || state.batchesDone < 0 || state.batchesDone >= this.length) {
      throw new MnistLabError(`DataLoader state: batchesDone ${state.batchesDone} is outside 0-${this.length - 1}`);
    }
    this.epochCount = state.epoch;
    this.batchesDone = state.batchesDone;
    this.epochShuffleState = [...state.shuffleRngState] as RngState;
    this.shuffleRng.setState(this.epochShuffleState);
    this.augmentRng.setState(state.augmentRngState);
    this.generation++; // invalidates iterators from before the restore
    // Mid-epoch: redraw the interrupted epoch's order from the same RNG state.
    if (this.batchesDone > 0) this.drawOrder();
  }

  private nextBatch(): Batch {
    if (this.batchesDone === 0) this.drawOrder();
    const { dataset, transform, scratch } = this;
    const start = this.batchesDone * this.batchSize;
    const batch = start + this.batchSize <= dataset.n ? this.fullBatch : this.tailBatch!;
    const pixels = dataset.height * dataset.width;
    const source = dataset.images;
    for (let k = 0; k < batch.size; k++) {
      const index = this.order[start + k]!;
      batch.labels[k] = dataset.labels[index]!;
      batch.indices[k] = index;
      const offset = index * pixels;
      // ToTensor: float32(x) / 255, which a float64 division rounded to float32 reproduces exactly.
      for (let p = 0; p < pixels; p++) scratch[p] = source[offset + p]! / 255;
      if (transform !== null) transform.apply(scratch, dataset.height, dataset.width, this.augmentRng);
      batch.images.set(scratch, k * pixels);
    }
    this.batchesDone++;
    if (this.batchesDone === this.length) {
      this.epochCount++;
      this.batchesDone = 0;
      this.epochShuffleState = this.shuffleRng.getState();
    }
    return batch;
  }

  /** The current epoch's order: identity, then shuffled from the epoch's starting RNG state. */
  private drawOrder(): void {
    this.resetOrder();
    if (this.shuffle) this.shuffleRng.shuffle(this.order);
  }

  private resetOrder(): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
  }
}
