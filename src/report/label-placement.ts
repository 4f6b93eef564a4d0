/**
 * Greedy label placement for scatter plots: each label takes the first of a few spots around its
 * point (right, left, then one or two lines above or below on either side) that overlaps no label placed before it
 * and no point. Vega-Lite has no label-collision avoidance for text marks, and the frontier plot puts a
 * dozen names and published figures within 0.1 points and a factor of 1.5 in parameters of each other.
 * Everything here is in pixels of the plot area; callers map data to pixels and back.
 */

export interface LabelRequest {
  /** The point's position in pixels (x right, y down). */
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel {
  /** Where the text is anchored, in pixels: its left edge (align 'left') or right edge (align 'right'), middle line. */
  x: number;
  y: number;
  align: 'left' | 'right';
}

export interface LabelFrame {
  width: number;
  height: number;
  /** Font size in pixels; a character is taken as 0.62 of it wide, a line as the size plus 3. */
  fontSize: number;
  /** Gap between a point and its label. */
  gap: number;
}

interface Box { x0: number; x1: number; y0: number; y1: number }

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Places `labels` in order (put the most important first: they get the best spots), avoiding each other
 * and the `points` (pixel centres of every mark drawn, labelled or not). A label that fits nowhere keeps
 * the first spot that stays inside the frame, or its right-hand spot: overprinting beats dropping a name.
 */
export function placeLabels(labels: readonly LabelRequest[], points: readonly { x: number; y: number }[], frame: LabelFrame): PlacedLabel[] {
  const lineHeight = frame.fontSize + 3;
  const charWidth = frame.fontSize * 0.62;
  const pointBoxes: Box[] = points.map((p) => ({ x0: p.x - 4, x1: p.x + 4, y0: p.y - 4, y1: p.y + 4 }));
  const placed: Box[] = [];
  return labels.map((label) => {
    const width = label.text.length * charWidth;
    const spots: PlacedLabel[] = [0, -1, 1, -2, 2].flatMap((line) => [
      { x: label.x + frame.gap, y: label.y + line * lineHeight, align: 'left' as const },
      { x: label.x - frame.gap, y: label.y + line * lineHeight, align: 'right' as const },
    ]);
    const boxOf = (s: PlacedLabel): Box => {
      const x0 = s.align === 'left' ? s.x : s.x - width;
      return { x0, x1: x0 + width, y0: s.y - lineHeight / 2, y1: s.y + lineHeight / 2 };
    };
    const inside = (b: Box): boolean => b.x0 >= 0 && b.x1 <= frame.width && b.y0 >= 0 && b.y1 <= frame.height;
    const free = (b: Box): boolean => inside(b) && !placed.some((o) => overlaps(o, b)) && !pointBoxes.some((o) => overlaps(o, b));
    const spot = spots.find((s) => free(boxOf(s))) ?? spots.find((s) => inside(boxOf(s))) ?? spots[0]!;
    placed.push(boxOf(spot));
    return spot;
  });
}
