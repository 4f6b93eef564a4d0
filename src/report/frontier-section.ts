/**
 * The report's frontier section (issue 17 c): at each parameter budget, the experiment that holds the
 * most accuracy in its last epochs, and each published anchor against our best model at or under the
 * anchor's own parameter count. "Held" is the lowest test accuracy over the last epochs of every seed:
 * what a user can count on from any seed, not the best seed's peak.
 */
import { formatThousands } from '../util/python-format.js';
import type { ExperimentStats } from './experiment-stats.js';
import type { ReportGoals } from './goals.js';
import { markdownTable, percent } from './markdown.js';

/** The experiment with the highest held accuracy among those with at most `maxParameters` (ties: the higher mean). */
export function bestHeld(stats: readonly ExperimentStats[], maxParameters: number, maxEpochs: number): ExperimentStats | null {
  const within = stats.filter((s) => s.parameters <= maxParameters && s.maxEpochs <= maxEpochs && !s.shortWindow);
  return within.reduce<ExperimentStats | null>((best, s) =>
    best === null || s.lastMin > best.lastMin || (s.lastMin === best.lastMin && s.lastMeanAccuracy.mean > best.lastMeanAccuracy.mean) ? s : best, null);
}

export function frontierSection(stats: readonly ExperimentStats[], goals: ReportGoals): string {
  // The mission's 15 epochs, or a goal's longer allowance.
  const maxEpochs = Math.max(15, ...goals.goals.map((g) => g.maxEpochs));
  const budgets = [...new Set([...(goals.frontierBudgets ?? []), ...goals.goals.map((g) => g.maxParameters)])].sort((a, b) => a - b);
  const window = `last ${goals.lastEpochs}`;
  const rows = budgets.map((budget) => {
    const s = bestHeld(stats, budget, maxEpochs);
    return s === null
      ? [`≤ ${formatThousands(budget)}`, 'none yet', '', '', '', '']
      : [`≤ ${formatThousands(budget)}`, `\`${s.name}\``, formatThousands(s.parameters), String(s.seedCount), percent(s.lastMin), percent(s.lastMeanAccuracy.mean, 3)];
  });
  const lines = [
    '## The frontier',
    '',
    `At each budget, the experiment (≤ ${maxEpochs} epochs) whose test accuracy holds highest over the ${window} epochs of every seed it ran: "held" is the lowest of those epochs over all seeds, the mean is over seeds.`,
    '',
    markdownTable(['budget', 'experiment', 'parameters', 'seeds', `held (lowest of the ${window})`, `${window}: mean`], rows, ['l', 'l', 'r', 'r', 'r', 'r']),
  ];
  const anchors = goals.anchors ?? [];
  if (anchors.length > 0) {
    lines.push('', 'Published results (single runs, as published) against our best model with at most as many parameters:', '');
    for (const a of [...anchors].sort((x, y) => x.parameters - y.parameters)) {
      const s = bestHeld(stats, a.parameters, maxEpochs);
      const verdict = s === null
        ? 'no experiment of ours is that small'
        : `${s.lastMin > a.accuracy ? '**beaten**' : '**not beaten**'} by \`${s.name}\` (${formatThousands(s.parameters)} parameters): every one of the ${window} epochs of its ${s.seedCount} seed${s.seedCount === 1 ? '' : 's'} at ${percent(s.lastMin)} or more, mean ${percent(s.lastMeanAccuracy.mean, 3)}`;
      lines.push(`- ${a.label}: ${verdict}.`);
    }
  }
  return lines.join('\n');
}
