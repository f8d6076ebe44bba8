import { element } from './dom.js';

/** Film pages live under the fragment, so a film's address survives a reload and can be shared. */
export function filmHref(tmdbId) {
  return `#/film/${encodeURIComponent(tmdbId)}`;
}

/** The film's page for an address, or null: "#/film/123" → 123. */
export function filmIdOf(hash) {
  const match = /^#\/film\/([^/?#]*)$/.exec(hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/** A link to a film's page; its title is text. */
export function filmLink(film, className = 'film-link') {
  return element('a', { className, text: film.title, attributes: { href: filmHref(film.tmdb_id) } });
}

export function openFilm(tmdbId) {
  location.hash = filmHref(tmdbId);
}

/**
 * The films a chart draws, as a list of links beside it: the chart opens a film on a click, and
 * the list is how a keyboard or screen reader reaches the same pages.
 */
export function renderChartLinks(list, films) {
  if (!list) return;
  list.replaceChildren(...films.map((film) => element('li', {}, filmLink(film))));
}

/** Chart.js onClick: the film of the element under the pointer, if any. */
export function openFilmOnClick(films) {
  return (_event, elements) => {
    const hit = elements[0];
    if (hit) openFilm(films[hit.index].tmdb_id);
  };
}

/** Chart.js onHover: a pointer hand over an element that opens a film. */
export function pointerOverElements(event, elements) {
  const canvas = event.native?.target;
  if (canvas) canvas.style.cursor = elements.length > 0 ? 'pointer' : '';
}
