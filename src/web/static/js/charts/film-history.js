import { fixed, integer, rating } from '../format.js';
import { palette } from './theme.js';

/** "12 Mar" within a year of the newest snapshot, else "Mar 2024". */
function dayLabel(iso, spansYears) {
  const date = new Date(iso);
  return spansYears
    ? date.toLocaleDateString(undefined, { month: 'short', year: 'numeric' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

function axis(text, position, color, { grid = true, display = true } = {}) {
  return {
    type: 'linear',
    position,
    display,
    title: { display: true, text, color },
    ticks: { color },
    grid: { display: grid },
  };
}

/**
 * A film's snapshots over time: popularity on the left axis, vote count and rating (0–10) on the
 * right. On a narrow chart the rating axis is left out (its values stay in the tooltip).
 */
export function filmHistoryConfig(snapshots, { narrow }) {
  const first = snapshots[0]?.snapshot_ts;
  const last = snapshots.at(-1)?.snapshot_ts;
  const spansYears = first && last && Date.parse(last) - Date.parse(first) > 365 * 86_400_000;
  return {
    type: 'line',
    data: {
      labels: snapshots.map((s) => dayLabel(s.snapshot_ts, spansYears)),
      datasets: [
        {
          label: 'Popularity',
          data: snapshots.map((s) => s.popularity),
          borderColor: palette.accent,
          backgroundColor: palette.accentSoft,
          yAxisID: 'y',
          pointRadius: snapshots.length > 40 ? 0 : 2,
          tension: 0.2,
        },
        {
          label: 'Votes',
          data: snapshots.map((s) => s.vote_count),
          borderColor: palette.teal,
          backgroundColor: 'rgba(60, 198, 192, 0.2)',
          yAxisID: 'votes',
          pointRadius: snapshots.length > 40 ? 0 : 2,
          tension: 0.2,
        },
        {
          label: 'Rating',
          data: snapshots.map((s) => s.vote_average),
          borderColor: palette.warn,
          backgroundColor: 'rgba(240, 160, 58, 0.2)',
          yAxisID: 'rating',
          // A snapshot taken before anybody voted has no rating: the line starts (or breaks) there
          // instead of falling to 0.
          spanGaps: false,
          borderDash: [5, 4],
          pointRadius: snapshots.length > 40 ? 0 : 2,
          tension: 0.2,
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => new Date(snapshots[items[0].dataIndex].snapshot_ts).toLocaleString(),
            label: (item) => {
              const snapshot = snapshots[item.dataIndex];
              if (item.datasetIndex === 0) return `Popularity ${fixed(snapshot.popularity, 1)}`;
              if (item.datasetIndex === 1) return `Votes ${integer(snapshot.vote_count)}`;
              return snapshot.vote_average === null
                ? 'Rating: no votes yet'
                : `Rating ${rating(snapshot.vote_average)}`;
            },
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: axis('Popularity', 'left', palette.accent),
        votes: axis('Votes', 'right', palette.teal, { grid: false }),
        rating: {
          ...axis('Rating', 'right', palette.warn, { grid: false, display: !narrow }),
          min: 0,
          max: 10,
        },
      },
    },
  };
}
