import { fixed, integer } from '../format.js';
import {
  clusterMeasures,
  clusterNames,
  clusterNumber,
  overallAverages,
  relativeDifference,
} from './cluster-names.js';
import { axisTitle, createChartView, palette } from './theme.js';

const measureColours = {
  avg_runtime: palette.violet,
  avg_vote_average: palette.teal,
  avg_vote_count: palette.warn,
  avg_popularity: palette.accent,
};

function signedPercent(share) {
  const rounded = Math.round(share * 100) || 0;
  return `${rounded > 0 ? '+' : ''}${integer(rounded)}%`;
}

/**
 * How each cluster differs from the average film, one bar per measure. Runtime,
 * rating, votes and popularity have different units, so each bar is the cluster's average as a
 * difference from the overall average in percent: one axis, and the bars say where the cluster's
 * name comes from. Tooltips give the averages themselves.
 */
export function createClusterProfilesChart(card, Chart) {
  return createChartView(card, Chart, (profiles) => {
    const items = profiles.items;
    const overall = overallAverages(items);
    const names = clusterNames(items);
    return {
      type: 'bar',
      data: {
        // One word group a line, so that the labels stay narrow on a phone.
        labels: items.map((p) => [
          clusterNumber(p.cluster),
          ...names.get(p.cluster).split(', '),
          `${integer(p.film_count)} films`,
        ]),
        datasets: clusterMeasures.map((measure) => ({
          label: measure.label,
          data: items.map((p) => relativeDifference(p, overall, measure.key) * 100),
          backgroundColor: measureColours[measure.key],
          borderRadius: 3,
        })),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              title: (tooltipItems) => {
                const p = items[tooltipItems[0].dataIndex];
                return `${clusterNumber(p.cluster)} · ${names.get(p.cluster)} (${integer(p.film_count)} films)`;
              },
              label: (item) => {
                const measure = clusterMeasures[item.datasetIndex];
                const p = items[item.dataIndex];
                const average = `${fixed(p[measure.key], measure.decimals)}${measure.unit}`;
                return `${measure.label}: ${average} (${signedPercent(item.parsed.y / 100)} vs all films)`;
              },
            },
          },
        },
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 0, font: { size: 11 } } },
          y: {
            title: axisTitle('vs the average film'),
            ticks: { callback: (value) => signedPercent(value / 100) },
          },
        },
      },
    };
  });
}
