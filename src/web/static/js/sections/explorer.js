import { fetchJson } from '../api.js';
import { csvHref, formParams, queryString } from '../csv.js';
import { element, errorText, showEmpty } from '../dom.js';
import { fixed, integer, yearOf } from '../format.js';
import { filmLink } from '../links.js';

const PAGE_SIZE = 25;
/** The order a column sorts in first: titles A→Z, figures largest first. */
const firstOrder = { title: 'asc' };

function cell(text, className) {
  return element('td', { className, text });
}

/** A dash in the table for a film nobody has voted on, said in words on hover. */
function ratingCell(value) {
  const td = cell(fixed(value, 1), 'num');
  if (value === null) td.title = 'no votes yet';
  return td;
}

function row(film) {
  const title = element('td', { className: 'title' }, filmLink(film));
  title.title = film.title;
  return element(
    'tr',
    {},
    title,
    cell(yearOf(film) ?? '—', 'num'),
    cell(fixed(film.popularity, 1), 'num'),
    cell(integer(film.vote_count), 'num'),
    ratingCell(film.vote_average),
    cell(fixed(film.predicted_popularity, 1), 'num'),
    cell(
      fixed(film.residual_popularity, 2),
      `num ${film.residual_popularity > 0 ? 'residual-up' : film.residual_popularity < 0 ? 'residual-down' : ''}`,
    ),
  );
}

/**
 * The explorer: GET /api/movies with the form's filters, a column to sort by (the header buttons)
 * and a page. The CSV link always carries the filters on screen.
 */
export function createExplorer(card) {
  const form = card.querySelector('form');
  const body = card.querySelector('tbody');
  const empty = card.querySelector('.list-empty');
  const count = card.querySelector('.list-count');
  const csv = card.querySelector('.csv-link');
  const previous = card.querySelector('[data-page="previous"]');
  const next = card.querySelector('[data-page="next"]');
  const position = card.querySelector('.pager-position');
  const sortHeaders = [...card.querySelectorAll('th[data-sort]')];
  const state = { filters: {}, sort: 'popularity', order: 'desc', offset: 0 };
  let request = 0;

  function showSort() {
    for (const header of sortHeaders) {
      const sorted = header.dataset.sort === state.sort;
      header.setAttribute(
        'aria-sort',
        sorted ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none',
      );
    }
  }

  function params() {
    return { ...state.filters, sort: state.sort, order: state.order, limit: PAGE_SIZE, offset: state.offset };
  }

  function show(answer) {
    const items = answer.items ?? [];
    body.replaceChildren(...items.map(row));
    const total = answer.total ?? items.length;
    const noFilters = Object.keys(state.filters).length === 0;
    showEmpty(
      empty,
      items.length > 0
        ? null
        : noFilters
          ? (answer.hint ?? 'No films yet: run `horrorcast ingest`.')
          : 'No film matches these filters.',
    );
    count.textContent = `${integer(total)} film${total === 1 ? '' : 's'}`;
    position.textContent =
      items.length > 0
        ? `${integer(state.offset + 1)}–${integer(state.offset + items.length)} of ${integer(total)}`
        : '';
    previous.disabled = state.offset === 0;
    next.disabled = state.offset + items.length >= total;
  }

  async function load() {
    const mine = ++request;
    showSort();
    // The file holds every film the filters match in this order, not only the page on screen.
    csv.href = csvHref('/api/movies', { ...state.filters, sort: state.sort, order: state.order });
    card.setAttribute('aria-busy', 'true');
    try {
      const answer = await fetchJson(`/api/movies?${queryString(params())}`);
      if (mine === request) show(answer);
    } catch (error) {
      if (mine !== request) return;
      body.replaceChildren();
      showEmpty(empty, errorText(error));
      count.textContent = '';
      position.textContent = '';
      next.disabled = true;
    } finally {
      if (mine === request) card.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = formParams(form);
    // Language codes are lower case (en, ja); "EN" means the same.
    if (state.filters.language) state.filters.language = state.filters.language.toLowerCase();
    state.offset = 0;
    load();
  });
  form.addEventListener('reset', () => {
    state.filters = {};
    state.offset = 0;
    // The form clears its fields after this event: load once they are empty.
    setTimeout(load);
  });
  for (const header of sortHeaders) {
    header.querySelector('button').addEventListener('click', () => {
      const column = header.dataset.sort;
      state.order =
        column === state.sort ? (state.order === 'asc' ? 'desc' : 'asc') : (firstOrder[column] ?? 'desc');
      state.sort = column;
      state.offset = 0;
      load();
    });
  }
  previous.addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    load();
  });
  next.addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    load();
  });

  return { refresh: load };
}
