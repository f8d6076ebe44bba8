import { fixed, rating, shorten } from '../format.js';
import { openFilmOnClick, pointerOverElements, renderChartLinks } from '../links.js';
import { axisTitle, createChartView, palette } from './theme.js';

/** About how many characters of a title fit a third of a chart this wide, at most 28. */
function labelLength(chartWidth) {
  return Math.max(10, Math.min(28, Math.floor(chartWidth / 3 / 7)));
}

/**
 * The ten most popular films, as horizontal bars so that titles stay readable; a bar, or the
 * title in the list beside the chart, opens the film's page.
 */
export function createTopFilmsChart(card, Chart) {
  const links = card.querySelector('.chart-links');
  return createChartView(card, Chart, (summary) => {
    renderChartLinks(links, summary.items);
    return topFilmsConfig(summary);
  });
}

function topFilmsConfig(summary) {
  return {
    type: 'bar',
    data: {
      labels: summary.items.map((film) => film.title),
      datasets: [
        {
          label: 'Popularity',
          data: summary.items.map((film) => film.popularity),
          backgroundColor: palette.accent,
          borderRadius: 4,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      onClick: openFilmOnClick(summary.items),
      onHover: pointerOverElements,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => summary.items[items[0].dataIndex].title,
            label: (item) => {
              const film = summary.items[item.dataIndex];
              const votes = film.vote_count > 0 ? ` from ${film.vote_count} votes` : '';
              return `Popularity ${fixed(film.popularity, 1)} · ${rating(film.vote_average)}${votes}`;
            },
          },
        },
      },
      scales: {
        x: { title: axisTitle('TMDB popularity'), beginAtZero: true },
        y: {
          grid: { display: false },
          // Chart.js gives the title axis at most a third of the chart; longer titles would be cut.
          ticks: {
            callback(value) {
              return shorten(this.getLabelForValue(value), labelLength(this.chart.width));
            },
          },
        },
      },
    },
  };
}
