import { fixed, integer } from '../format.js';
import { axisTitle, palette } from './theme.js';

const OCTOBER = 10;
const band = 'rgba(155, 123, 255, 0.22)';

/**
 * Per release month, the median film (line, October's point in red and larger) and the middle half
 * of the films (a band from the first to the third quartile). `measure` is popularity or rating.
 */
export function releaseMonthsConfig(answer, measure) {
  const months = answer.months;
  const values = months.map((month) => month[measure] ?? { median: null, q1: null, q3: null });
  const isOctober = months.map((month) => month.month === OCTOBER);
  const decimals = measure === 'rating' ? 2 : 1;
  return {
    type: 'line',
    data: {
      labels: months.map((month) => month.name?.slice(0, 3) ?? String(month.month)),
      datasets: [
        {
          label: 'Median',
          data: values.map((v) => v.median),
          borderColor: palette.violet,
          backgroundColor: isOctober.map((october) => (october ? palette.accent : palette.violet)),
          pointBackgroundColor: isOctober.map((october) => (october ? palette.accent : palette.violet)),
          pointBorderColor: isOctober.map((october) => (october ? palette.accent : palette.violet)),
          pointRadius: isOctober.map((october) => (october ? 7 : 3)),
          pointHoverRadius: isOctober.map((october) => (october ? 9 : 5)),
          tension: 0.2,
          order: 0,
        },
        {
          label: 'Middle half of the films',
          data: values.map((v) => v.q3),
          borderColor: 'transparent',
          backgroundColor: band,
          pointRadius: 0,
          fill: '+1',
          order: 1,
        },
        {
          label: 'First quartile',
          data: values.map((v) => v.q1),
          borderColor: 'transparent',
          backgroundColor: band,
          pointRadius: 0,
          fill: false,
          order: 2,
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: {
        // The band is one legend entry; its lower edge is a dataset of its own, left out.
        legend: { labels: { filter: (item) => item.datasetIndex < 2 } },
        tooltip: {
          filter: (item) => item.datasetIndex === 0,
          callbacks: {
            title: (items) => {
              const month = months[items[0].dataIndex];
              return `${month.name ?? month.month}${month.month === OCTOBER ? ' (horror’s month)' : ''}`;
            },
            label: (item) => {
              const value = values[item.dataIndex];
              return `Median ${fixed(value.median, decimals)} · middle half ${fixed(value.q1, decimals)}–${fixed(value.q3, decimals)}`;
            },
            afterLabel: (item) => `${integer(months[item.dataIndex].film_count)} films`,
          },
        },
      },
      scales: {
        x: { grid: { display: false } },
        y: {
          title: axisTitle(measure === 'rating' ? 'Vote average (0–10)' : 'TMDB popularity'),
          beginAtZero: measure !== 'rating',
        },
      },
    },
  };
}
