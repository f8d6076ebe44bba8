import { fixed, shorten } from '../format.js';
import { openFilmOnClick, pointerOverElements, renderChartLinks } from '../links.js';
import { axisTitle, createChartView, palette } from './theme.js';

/**
 * Predicted and actual values of the top-20 films as two lines, one chart for
 * popularity and one for the vote average.
 */
function createPredictedVsActualChart(card, Chart, { predicted, actual, axis, decimals }) {
  const links = card.querySelector('.chart-links');
  return createChartView(card, Chart, (predictions) => {
    renderChartLinks(links, predictions.items);
    return predictedVsActualConfig(predictions, { predicted, actual, axis, decimals });
  });
}

function predictedVsActualConfig(predictions, { predicted, actual, axis, decimals }) {
  return {
    type: 'line',
    data: {
      labels: predictions.items.map((p) => p.title),
      datasets: [
        {
          label: 'Predicted',
          data: predictions.items.map((p) => p[predicted]),
          borderColor: palette.accent,
          backgroundColor: palette.accentSoft,
          pointRadius: 3,
          tension: 0,
        },
        {
          label: 'Actual',
          data: predictions.items.map((p) => p[actual]),
          borderColor: palette.teal,
          backgroundColor: 'rgba(60, 198, 192, 0.2)',
          pointRadius: 3,
          tension: 0,
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      onClick: openFilmOnClick(predictions.items),
      onHover: pointerOverElements,
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => predictions.items[items[0].dataIndex].title,
            label: (item) => `${item.dataset.label}: ${fixed(item.parsed.y, decimals)}`,
          },
        },
      },
      scales: {
        x: {
          ticks: {
            maxRotation: 60,
            minRotation: 40,
            autoSkip: false,
            font: { size: 10 },
            // Twenty titles share the width: shorter ones on a narrow chart leave room for the lines.
            callback(value) {
              return shorten(this.getLabelForValue(value), this.chart.width < 500 ? 12 : 18);
            },
          },
          grid: { display: false },
        },
        y: { title: axisTitle(axis) },
      },
    },
  };
}

export function createPredictedPopularityChart(card, Chart) {
  return createPredictedVsActualChart(card, Chart, {
    predicted: 'predicted_popularity',
    actual: 'actual_popularity',
    axis: 'Popularity',
    decimals: 1,
  });
}

export function createPredictedRatingChart(card, Chart) {
  return createPredictedVsActualChart(card, Chart, {
    predicted: 'predicted_vote_average',
    actual: 'actual_vote_average',
    axis: 'Vote average (0–10)',
    decimals: 2,
  });
}
