import { fixed, integer } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

/**
 * Analysis plot 6: each cluster's averages as grouped bars. Popularity, rating and runtime have
 * different units, so each gets its own y-axis.
 */
export function createClusterProfilesChart(card, Chart) {
  return createChartView(card, Chart, (profiles) => {
    const items = profiles.items;
    const series = [
      {
        label: 'Avg popularity',
        key: 'avg_popularity',
        axis: 'popularity',
        colour: palette.accent,
        decimals: 1,
      },
      { label: 'Avg rating', key: 'avg_vote_average', axis: 'rating', colour: palette.teal, decimals: 2 },
      {
        label: 'Avg runtime (min)',
        key: 'avg_runtime',
        axis: 'runtime',
        colour: palette.violet,
        decimals: 0,
      },
    ];
    return {
      type: 'bar',
      data: {
        labels: items.map((p) => [`Cluster ${p.cluster + 1}`, integer(p.film_count)]),
        datasets: series.map((s) => ({
          label: s.label,
          data: items.map((p) => p[s.key]),
          backgroundColor: s.colour,
          yAxisID: s.axis,
          borderRadius: 3,
        })),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label}: ${fixed(item.parsed.y, series[item.datasetIndex].decimals)}`,
              footer: (tooltipItems) =>
                `Avg votes: ${integer(items[tooltipItems[0].dataIndex].avg_vote_count)}`,
            },
          },
        },
        scales: {
          x: {
            grid: { display: false },
            ticks: { autoSkip: false, maxRotation: 0 },
            title: axisTitle('Cluster (films in it)'),
          },
          popularity: {
            position: 'left',
            beginAtZero: true,
            title: axisTitle('Popularity'),
            ticks: { color: palette.accent },
          },
          rating: {
            position: 'right',
            beginAtZero: true,
            suggestedMax: 10,
            title: axisTitle('Rating'),
            ticks: { color: palette.teal },
            grid: { drawOnChartArea: false },
          },
          runtime: {
            position: 'right',
            beginAtZero: true,
            title: axisTitle('Minutes'),
            ticks: { color: palette.violet },
            grid: { drawOnChartArea: false },
          },
        },
      },
    };
  });
}
