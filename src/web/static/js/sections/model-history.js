import { fetchJson } from '../api.js';
import { flaggedSentence, modelHistoryConfig } from '../charts/model-history.js';
import { createChartView } from '../charts/theme.js';
import { errorText } from '../dom.js';

const NONE_YET = 'No training runs yet: run `horrorcast train`.';

/** The model-history card: every run's cross-validated scores, flagged runs marked. */
export function createModelHistory(card, Chart) {
  const view = createChartView(card, Chart, modelHistoryConfig, flaggedSentence);
  return {
    async refresh() {
      try {
        const answer = await fetchJson('/api/insights/model-history');
        view.update(answer, answer.runs?.length > 0 ? null : (answer.hint ?? NONE_YET));
      } catch (error) {
        view.update(null, errorText(error));
      }
    },
  };
}
