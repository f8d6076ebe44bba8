import { fetchJson } from '../api.js';
import { releaseMonthsConfig } from '../charts/release-months.js';
import { createChartView } from '../charts/theme.js';
import { errorText } from '../dom.js';

const NONE_YET = 'No films with release dates yet: run `horrorcast ingest`.';

/** The release-months card: the chart for the chosen measure and the server's sentence under it. */
export function createReleaseMonths(card, Chart) {
  const buttons = [...card.querySelectorAll('[data-measure]')];
  const sentence = card.querySelector('.chart-sentence');
  let measure = 'popularity';
  let answer;
  const view = createChartView(card, Chart, (data) => releaseMonthsConfig(data, measure));

  function show() {
    const empty = answer.months?.some((month) => month.film_count > 0) ? null : (answer.hint ?? NONE_YET);
    view.update(answer, empty);
    sentence.textContent = empty ? '' : (answer.sentence ?? '');
  }

  for (const button of buttons) {
    button.addEventListener('click', () => {
      measure = button.dataset.measure;
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
      if (answer) show();
    });
  }

  return {
    async refresh() {
      try {
        answer = await fetchJson('/api/insights/release-months');
        show();
      } catch (error) {
        answer = undefined;
        view.update(null, errorText(error));
        sentence.textContent = '';
      }
    },
  };
}
