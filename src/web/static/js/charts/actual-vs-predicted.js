import { fixed } from '../format.js';
import { axisTitle, createChartView, palette } from './theme.js';

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** A round tick step (1, 2 or 5 times a power of ten) giving about ten steps over the range. */
function niceStep(range) {
  if (!(range > 0)) return 1;
  const raw = range / 10;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((m) => m * power >= raw);
  return multiple * power;
}

/**
 * Popularity is heavy-tailed: a few blockbusters would squeeze every other film into one corner.
 * The axes cover the 5th to 95th percentile of actual and predicted values together, so both axes
 * share one scale and the diagonal stays at 45°.
 */
export function centralRange(points) {
  const values = points.flatMap((p) => [p.x, p.y]).sort((a, b) => a - b);
  const low = quantile(values, 0.05);
  const high = quantile(values, 0.95);
  const step = niceStep(high - low);
  return { min: Math.max(0, Math.floor(low / step) * step), max: Math.ceil(high / step) * step };
}

/** Actual vs predicted popularity of the held-out films, with the y = x line. */
export function createActualVsPredictedChart(card, Chart) {
  return createChartView(card, Chart, (regression) => {
    const points = regression.items.map((p) => ({ x: p.actual_popularity, y: p.predicted_popularity }));
    const range = centralRange(points);
    return {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: `Films (${regression.items.length})`,
            data: points,
            backgroundColor: 'rgba(155, 123, 255, 0.55)',
            pointRadius: 2.5,
            pointHoverRadius: 5,
          },
          {
            label: 'Perfect prediction',
            type: 'line',
            data: [
              { x: range.min, y: range.min },
              { x: range.max, y: range.max },
            ],
            borderColor: palette.accent,
            borderDash: [6, 6],
            borderWidth: 1.5,
            pointRadius: 0,
          },
        ],
      },
      options: {
        plugins: {
          tooltip: {
            // Only films have a tooltip; on the diagonal alone the item list is empty.
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              title: (items) => (items.length > 0 ? regression.items[items[0].dataIndex].title : ''),
              label: (item) => `actual ${fixed(item.parsed.x, 1)} · predicted ${fixed(item.parsed.y, 1)}`,
            },
          },
        },
        scales: {
          x: { type: 'linear', min: range.min, max: range.max, title: axisTitle('Actual popularity') },
          y: { min: range.min, max: range.max, title: axisTitle('Predicted popularity') },
        },
      },
    };
  });
}
