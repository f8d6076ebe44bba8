import { fixed, integer } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

function thresholdCaption(classification) {
  const threshold = fixed(classification.result.threshold, 2);
  return `High means a vote average above ${threshold}, the median of the run’s films; low means ${threshold} or less. Green bars are correct calls, red and orange are mistakes.`;
}

/**
 * The four cells of the confusion matrix as bars, real class → predicted class;
 * green is right, red/orange wrong.
 */
export function createConfusionMatrixChart(card, Chart) {
  return createChartView(
    card,
    Chart,
    (classification) => {
      const { confusion } = classification.result;
      const cells = [
        { label: 'TN · low → low', value: confusion.true_negatives, colour: palette.good },
        { label: 'FP · low → high', value: confusion.false_positives, colour: palette.bad },
        { label: 'FN · high → low', value: confusion.false_negatives, colour: palette.warn },
        { label: 'TP · high → high', value: confusion.true_positives, colour: palette.good },
      ];
      return {
        type: 'bar',
        data: {
          labels: cells.map((c) => c.label),
          datasets: [
            {
              label: 'Films',
              data: cells.map((c) => c.value),
              backgroundColor: cells.map((c) => c.colour),
              borderRadius: 4,
            },
          ],
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) => `${integer(item.parsed.x)} test films`,
              },
            },
          },
          // Horizontal bars: the labels stay on one line, readable on a phone too.
          indexAxis: 'y',
          scales: {
            x: { beginAtZero: true, title: axisTitle('Films in the test part') },
            y: { grid: { display: false } },
          },
        },
      };
    },
    thresholdCaption,
  );
}
