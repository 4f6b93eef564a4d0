/**
 * The second iteration: batch norm after every 3x3 conv and global average pooling instead of
 * fully connected layers (about 16k parameters), with m3's layout and wider layers.
 */
import { GapNet } from './gap-net.js';

export function bnGapNet16k(): GapNet {
  return new GapNet({ widths: [14, 24, 12, 20, 24, 24] });
}
