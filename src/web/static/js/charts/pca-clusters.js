import { fixed, percent } from '../format.js';
import { clusterNames, clusterNumber } from './cluster-names.js';
import { axisTitle, createChartView, palette } from './theme.js';

/** "PC1 · 14% of the variance", or the bare name when the run did not say. */
function componentTitle(index, explained) {
  const share = explained[index];
  const name = `PC${index + 1}`;
  return typeof share === 'number' ? `${name} · ${percent(share, 0)} of the variance` : name;
}

function varianceCaption(explained) {
  if (explained.length < 2)
    return 'How much of the films’ spread the two axes keep is not known for this run.';
  const kept = percent(explained[0] + explained[1], 0);
  return `The two axes keep ${kept} of the films’ spread; films that overlap here may still differ in what the axes leave out.`;
}

/**
 * Every film on the first two principal components, one colour per cluster.
 * `data` is { pca, profiles }: the profiles give the clusters their names.
 */
export function createPcaClustersChart(card, Chart) {
  return createChartView(
    card,
    Chart,
    ({ pca, profiles }) => {
      const names = clusterNames(profiles.items);
      const byCluster = new Map();
      for (const point of pca.items) {
        if (!byCluster.has(point.cluster)) byCluster.set(point.cluster, []);
        byCluster.get(point.cluster).push(point);
      }
      const clusters = [...byCluster.keys()].sort((a, b) => a - b);
      const nameOf = (cluster) =>
        names.has(cluster) ? `${clusterNumber(cluster)} · ${names.get(cluster)}` : clusterNumber(cluster);
      return {
        type: 'scatter',
        data: {
          datasets: clusters.map((cluster) => {
            const films = byCluster.get(cluster);
            const colour = palette.clusters[cluster % palette.clusters.length];
            return {
              label: `${nameOf(cluster)} (${films.length})`,
              data: films.map((f) => ({ x: f.pc1, y: f.pc2, title: f.title, cluster })),
              backgroundColor: `${colour}b0`,
              borderColor: colour,
              pointRadius: 2.5,
              pointHoverRadius: 5,
            };
          }),
        },
        options: {
          animation: false,
          plugins: {
            tooltip: {
              callbacks: {
                title: (items) => items[0].raw.title,
                label: (item) =>
                  `${nameOf(item.raw.cluster)} · (${fixed(item.parsed.x, 2)}, ${fixed(item.parsed.y, 2)})`,
              },
            },
          },
          scales: {
            x: { type: 'linear', title: axisTitle(componentTitle(0, pca.explained_variance)) },
            y: { title: axisTitle(componentTitle(1, pca.explained_variance)) },
          },
        },
      };
    },
    ({ pca }) => varianceCaption(pca.explained_variance),
  );
}
