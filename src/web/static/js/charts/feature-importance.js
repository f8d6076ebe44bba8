import { percent } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

/** The ten most important features of the random-forest regression. */
export function createFeatureImportanceChart(card, Chart) {
  return createChartView(card, Chart, (features) => {
    const top = features.items.slice(0, 10);
    return {
      type: 'bar',
      data: {
        labels: top.map((f) => f.feature.replaceAll('_', ' ')),
        datasets: [
          {
            label: 'Importance',
            data: top.map((f) => f.importance),
            backgroundColor: top.map((_, i) => (i < 3 ? palette.accent : palette.violet)),
            borderRadius: 4,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `Importance ${percent(item.parsed.x)}` } },
        },
        scales: {
          x: {
            beginAtZero: true,
            title: axisTitle('Share of impurity decrease'),
            ticks: { callback: (value) => percent(value, 0) },
          },
          y: { grid: { display: false } },
        },
      },
    };
  });
}
