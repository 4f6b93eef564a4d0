// Validation probe of a GapNet with other widths (not in the zoo) under the champion's recipe:
//   node notes/arch-probe.mjs <widths, e.g. 8,16,10,14,16,20> <init seed> <out dir> [tbn|pad]
// "tbn" adds a BN + ReLU after the 1x1 transition (GapNet's transitionBn), "pad" pads conv1 and conv2
// (GapNet's stemPadding: 1). Split and recipe as in notes/probe-run.mjs. Run `npm run build` first.
import { GapNet } from '../dist/src/models/gap-net.js';
import { runProbe } from './probe-run.mjs';

const [widthsArg, seedArg, outDir, variant] = process.argv.slice(2);
if (!widthsArg || !seedArg || !outDir) {
  console.error('usage: node notes/arch-probe.mjs <widths> <init seed> <out dir> [tbn|pad]');
  process.exit(2);
}
await runProbe({
  modelName: 'gapnet',
  name: `GapNet ${widthsArg}${variant ? ` (${variant})` : ''}`,
  build: () => new GapNet({ widths: widthsArg.split(',').map(Number), transitionBn: variant === 'tbn', stemPadding: variant === 'pad' ? 1 : 0 }),
  seed: Number(seedArg),
  outDir,
});
