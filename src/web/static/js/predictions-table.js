import { fixed } from './format.js';
import { filmLink } from './links.js';

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** The predictions table. Every value goes in as text: titles are data, never HTML. */
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
      // The error of each film, not the model's MAE that every row carries.
      const errorOf = (p) => Math.abs(p.predicted_popularity - p.actual_popularity);
      const errors = items.map(errorOf).sort((a, b) => a - b);
      const highError = errors[Math.floor(errors.length * 0.75)] ?? Number.POSITIVE_INFINITY;
      const lowError = errors[Math.floor(errors.length * 0.25)] ?? Number.NEGATIVE_INFINITY;
      body.replaceChildren(
        ...items.map((p) => {
          const row = document.createElement('tr');
          const title = cell('', 'title');
          title.append(filmLink(p));
          title.title = p.title;
          const error = errorOf(p);
          const errorClass = error >= highError ? 'err-high' : error <= lowError ? 'err-low' : '';
          row.append(
            title,
            cell(fixed(p.predicted_popularity, 1), 'num'),
            cell(fixed(p.actual_popularity, 1), 'num'),
            cell(fixed(error, 1), `num ${errorClass}`),
            cell(fixed(p.predicted_vote_average, 2), 'num'),
            cell(fixed(p.actual_vote_average, 2), 'num'),
          );
          return row;
        }),
      );
    },
  };
}
