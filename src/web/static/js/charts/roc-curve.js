import { fixed } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

/** The ROC curve with the chance diagonal; the legend carries the AUC. */
export function createRocCurveChart(card, Chart) {
  return createChartView(card, Chart, (classification) => {
    const { roc, auc } = classification.result;
    return {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: `Classifier (AUC ${fixed(auc, 3)})`,
            data: roc.fpr.map((fpr, i) => ({ x: fpr, y: roc.tpr[i] })),
            showLine: true,
            borderColor: palette.accent,
            backgroundColor: palette.accentSoft,
            fill: 'origin',
            pointRadius: 0,
            borderWidth: 2,
          },
          {
            label: 'Chance (AUC 0.5)',
            data: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
            showLine: true,
            borderColor: palette.muted,
            borderDash: [6, 6],
            borderWidth: 1.5,
            pointRadius: 0,
          },
        ],
      },
      options: {
        plugins: {
          tooltip: {
            callbacks: { label: (item) => `FPR ${fixed(item.parsed.x, 2)} · TPR ${fixed(item.parsed.y, 2)}` },
          },
        },
        scales: {
          x: { type: 'linear', min: 0, max: 1, title: axisTitle('False-positive rate') },
          y: { min: 0, max: 1, title: axisTitle('True-positive rate') },
        },
      },
    };
  });
}
