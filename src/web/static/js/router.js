import { filmIdOf } from './links.js';

/**
 * Two pages in one document: the dashboard, and a film's page at #/film/:id. Any other fragment
 * names a place on the dashboard (#explorer), which is shown and scrolled to.
 */
export function createRouter({ dashboard, filmView, filmPage }) {
  function route() {
    const filmId = filmIdOf(location.hash);
    if (filmId !== null) {
      dashboard.hidden = true;
      filmView.hidden = false;
      window.scrollTo(0, 0);
      filmPage.show(filmId);
      return;
    }
    const wasHidden = dashboard.hidden;
    filmView.hidden = true;
    dashboard.hidden = false;
    filmPage.hide();
    document.title = 'Horrorcast · horror films and what the models predict';
    const target = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
    // Coming back from a film page, the browser's own jump to the anchor happened while it was hidden.
    if (wasHidden && target) target.scrollIntoView();
  }

  window.addEventListener('hashchange', route);
  route();
}
