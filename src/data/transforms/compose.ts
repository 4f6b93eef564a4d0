/** Compose: runs transforms one after another, like torchvision.transforms.Compose. */
import type { Rng } from '../../util/rng.js';
import type { Transform } from './transform.js';

export class Compose implements Transform {
  readonly transforms: readonly Transform[];

  constructor(transforms: readonly Transform[]) {
    this.transforms = [...transforms];
  }

  apply(image: Float32Array, height: number, width: number, rng: Rng): void {
    for (const t of this.transforms) t.apply(image, height, width, rng);
  }

  toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${t}`).join('\n')}\n)`;
  }
}
