import { fetchJson } from '../api.js';
import { csvHref, formParams, queryString } from '../csv.js';
import { element, errorText, showEmpty } from '../dom.js';
import { fixed, yearOf } from '../format.js';
import { filmLink } from '../links.js';

const LIMIT = 10;
const NONE_YET = 'No out-of-fold predictions yet: run `horrorcast train` (after `horrorcast ingest`).';

function cell(text, className) {
  return element('td', { className, text });
}

function interval(item) {
  const range =
    typeof item.lower === 'number' && typeof item.upper === 'number'
      ? ` (${fixed(item.lower, 1)}–${fixed(item.upper, 1)})`
      : '';
  return `${fixed(item.predicted, 1)}${range}`;
}

function row(item) {
  const title = element('td', { className: 'title' }, filmLink(item));
  title.title = item.title;
  return element(
    'tr',
    {},
    title,
    cell(yearOf(item) ?? '—', 'num'),
    cell(fixed(item.actual, 1), 'num'),
    cell(interval(item), 'num'),
    cell(item.in_words ?? '', 'in-words'),
  );
}

/** One of the two lists: its table, its empty line and its CSV link. */
function createList(section, direction) {
  const body = section.querySelector('tbody');
  const empty = section.querySelector('.list-empty');
  const csv = section.querySelector('.csv-link');
  return {
    async load(filters) {
      const params = { ...filters, direction };
      csv.href = csvHref('/api/insights/under-over-rated', params);
      try {
        const answer = await fetchJson(
          `/api/insights/under-over-rated?${queryString({ ...params, limit: LIMIT })}`,
        );
        const items = answer.items ?? [];
        body.replaceChildren(...items.map(row));
        const filtered = Object.keys(filters).some((name) => name !== 'target');
        showEmpty(
          empty,
          items.length > 0 ? null : filtered ? 'No film matches these filters.' : (answer.hint ?? NONE_YET),
        );
      } catch (error) {
        body.replaceChildren();
        showEmpty(empty, errorText(error));
      }
    },
  };
}

/** Under- and over-rated films from the newest run's out-of-fold residuals, with shared filters. */
export function createUnderOverRated(card) {
  const form = card.querySelector('form');
  const lists = [
    createList(card.querySelector('[data-list="under"]'), 'under'),
    createList(card.querySelector('[data-list="over"]'), 'over'),
  ];

  function load() {
    const filters = formParams(form);
    return Promise.all(lists.map((list) => list.load(filters)));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  form.querySelector('select[name="target"]').addEventListener('change', load);
  return { refresh: load };
}
