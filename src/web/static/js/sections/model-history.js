import { fetchJson } from '../api.js';
import { flaggedSentence, hasKind, modelHistoryConfig } from '../charts/model-history.js';
import { createChartView } from '../charts/theme.js';
import { errorText } from '../dom.js';

const NONE_YET = 'No training runs yet: run `horrorcast train`.';

/** The model-history card: every run's cross-validated scores of the chosen kind, flagged runs marked. */
export function createModelHistory(card, Chart) {
  const buttons = [...card.querySelectorAll('[data-kind]')];
  let kind = 'r2';
  let answer;
  const view = createChartView(card, Chart, (data) => modelHistoryConfig(data, kind), flaggedSentence);

  function show() {
    const empty = answer.runs?.length > 0 && hasKind(answer, kind) ? null : (answer.hint ?? NONE_YET);
    view.update(answer, empty);
  }

  for (const button of buttons) {
    button.addEventListener('click', () => {
      kind = button.dataset.kind;
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
      if (answer) show();
    });
  }

  return {
    async refresh() {
      try {
        answer = await fetchJson('/api/insights/model-history');
        show();
      } catch (error) {
        answer = undefined;
        view.update(null, errorText(error));
      }
    },
  };
}
