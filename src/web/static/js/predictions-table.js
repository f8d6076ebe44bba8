import { fixed } from './format.js';

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Seed view 4: the predictions table. Every value goes in as text: titles are data, never HTML. */
export function createPredictionsTable(card) {
  const body = card.querySelector('tbody');
  const empty = card.querySelector('.card-empty');
  return {
    update(predictions, emptyMessage) {
      const hasData = emptyMessage === null || emptyMessage === undefined;
      card.classList.toggle('is-empty', !hasData);
      empty.hidden = hasData;
      empty.textContent = hasData ? '' : emptyMessage;
      const items = hasData ? predictions.items : [];
      const errors = items.map((p) => p.mae_popularity).sort((a, b) => a - b);
      const highError = errors[Math.floor(errors.length * 0.75)] ?? Number.POSITIVE_INFINITY;
      const lowError = errors[Math.floor(errors.length * 0.25)] ?? Number.NEGATIVE_INFINITY;
      body.replaceChildren(
        ...items.map((p) => {
          const row = document.createElement('tr');
          const title = cell(p.title, 'title');
          title.title = p.title;
          const errorClass =
            p.mae_popularity >= highError ? 'err-high' : p.mae_popularity <= lowError ? 'err-low' : '';
          row.append(
            title,
            cell(fixed(p.predicted_popularity, 1), 'num'),
            cell(fixed(p.actual_popularity, 1), 'num'),
            cell(fixed(p.mae_popularity, 1), `num ${errorClass}`),
            cell(fixed(p.predicted_vote_average, 2), 'num'),
            cell(fixed(p.actual_vote_average, 2), 'num'),
          );
          return row;
        }),
      );
    },
  };
}
