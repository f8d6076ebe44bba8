import { fixed } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

/** Analysis plot 5: every film on the first two principal components, one colour per cluster. */
export function createPcaClustersChart(card, Chart) {
  return createChartView(card, Chart, (pca) => {
    const byCluster = new Map();
    for (const point of pca.items) {
      if (!byCluster.has(point.cluster)) byCluster.set(point.cluster, []);
      byCluster.get(point.cluster).push(point);
    }
    const clusters = [...byCluster.keys()].sort((a, b) => a - b);
    return {
      type: 'scatter',
      data: {
        datasets: clusters.map((cluster) => {
          const films = byCluster.get(cluster);
          const colour = palette.clusters[cluster % palette.clusters.length];
          return {
            label: `Cluster ${cluster + 1} (${films.length})`,
            data: films.map((f) => ({ x: f.pc1, y: f.pc2, title: f.title })),
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
                `${item.dataset.label.split(' (')[0]} · (${fixed(item.parsed.x, 2)}, ${fixed(item.parsed.y, 2)})`,
            },
          },
        },
        scales: {
          x: { type: 'linear', title: axisTitle('Principal component 1') },
          y: { title: axisTitle('Principal component 2') },
        },
      },
    };
  });
}
