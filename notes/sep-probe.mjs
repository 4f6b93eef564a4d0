// Validation probe of SepGapNet (src/models/sep-gap-net.ts: GapNet's dense stem, then depthwise-separable
// blocks) at widths that are not in the zoo, under the champion's recipe:
//   node notes/sep-probe.mjs <stem widths c1,c2> <separable widths> <init seed> <out dir> [transition width]
// Split and recipe as in notes/probe-run.mjs. Run `npm run build` first.
import { SepGapNet } from '../dist/src/models/sep-gap-net.js';
import { runProbe } from './probe-run.mjs';

const [stemArg, widthsArg, seedArg, outDir, transitionArg] = process.argv.slice(2);
if (!stemArg || !widthsArg || !seedArg || !outDir) {
  console.error('usage: node notes/sep-probe.mjs <c1,c2> <separable widths> <init seed> <out dir> [transition width]');
  process.exit(2);
}
await runProbe({
  modelName: 'sepnet',
  name: `SepGapNet stem ${stemArg}${transitionArg ? `, transition ${transitionArg}` : ''}, separable ${widthsArg}`,
  build: () => new SepGapNet({ stem: stemArg.split(',').map(Number), widths: widthsArg.split(',').map(Number), transition: transitionArg ? Number(transitionArg) : undefined }),
  seed: Number(seedArg),
  outDir,
});
