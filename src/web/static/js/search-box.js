import { fetchJson } from './api.js';
import { element } from './dom.js';
import { yearOf } from './format.js';
import { openFilm } from './links.js';

const SUGGESTIONS = 8;
/** Wait for a pause in typing before asking the server. */
const TYPING_PAUSE_MS = 150;

/**
 * A title search with suggestions (an ARIA combobox): typing asks /api/movies?q=…&limit=8, the
 * arrow keys move through the suggestions, Enter or a click opens the film's page, Escape closes.
 * Enter without a chosen suggestion opens the first one.
 */
export function createSearchBox(form) {
  const input = form.querySelector('input[role="combobox"]');
  const list = form.querySelector('[role="listbox"]');
  const idPrefix = list.id;
  let films = [];
  let active = -1;
  /** The text the shown suggestions answer. */
  let shownQuery = '';
  let timer;
  let controller;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    for (const [i, option] of [...list.querySelectorAll('[role="option"]')].entries()) {
      option.setAttribute('aria-selected', String(i === index));
      if (i === index) {
        input.setAttribute('aria-activedescendant', option.id);
        option.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  function choose(index) {
    const film = films[index];
    if (!film) return;
    close();
    input.value = '';
    openFilm(film.tmdb_id);
  }

  function option(film, index) {
    const item = element(
      'div',
      {
        className: 'search-option',
        attributes: { role: 'option', id: `${idPrefix}-${index}`, 'aria-selected': 'false' },
      },
      element('span', { className: 'search-title', text: film.title }),
      element('span', { className: 'search-year', text: yearOf(film) ?? '' }),
    );
    // mousedown, not click: the input keeps its focus and the list is still there when it fires.
    item.addEventListener('mousedown', (event) => {
      event.preventDefault();
      choose(index);
    });
    return item;
  }

  function show(answer, query) {
    films = answer.items ?? [];
    shownQuery = query;
    active = -1;
    list.replaceChildren(
      ...(films.length > 0
        ? films.map(option)
        : [element('div', { className: 'search-none', text: `No film matches “${query}”.` })]),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  async function suggest() {
    const query = input.value.trim();
    controller?.abort();
    if (query === '') {
      films = [];
      close();
      return;
    }
    controller = new AbortController();
    try {
      const params = new URLSearchParams({ q: query, limit: String(SUGGESTIONS) });
      show(await fetchJson(`/api/movies?${params}`, { signal: controller.signal }), query);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      films = [];
      list.replaceChildren(
        element('div', { className: 'search-none', text: String(error.message ?? error) }),
      );
      list.hidden = false;
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, TYPING_PAUSE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && films.length > 0) {
      event.preventDefault();
      if (list.hidden) list.hidden = false;
      highlight((active + 1) % films.length);
    } else if (event.key === 'ArrowUp' && films.length > 0) {
      event.preventDefault();
      highlight(active <= 0 ? films.length - 1 : active - 1);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // Enter before the suggestions for this text arrived: ask now, then open the best match.
    if (input.value.trim() !== shownQuery) {
      clearTimeout(timer);
      await suggest();
    }
    choose(Math.max(active, 0));
  });
  input.addEventListener('blur', close);
}
