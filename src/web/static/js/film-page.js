import { fetchJson } from './api.js';
import { filmHistoryConfig } from './charts/film-history.js';
import { element } from './dom.js';
import { fixed, integer, rating, yearOf } from './format.js';
import { filmLink } from './links.js';
import { modelName } from './model-names.js';

const POSTER_BASE = 'https://image.tmdb.org/t/p/w342';
/** TMDB poster paths look like "/abc123.jpg"; anything else is not sent to the image server. */
const POSTER_PATH = /^\/[\w-]+\.(jpg|jpeg|png|webp)$/i;

const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

function help(section) {
  return element('a', {
    className: 'help',
    text: '?',
    attributes: { href: `/guide#${section}`, 'aria-label': 'How to read this: the guide' },
  });
}

function card(view, title, description, helpSection, ...content) {
  return element(
    'article',
    { className: 'card', attributes: { 'data-view': view } },
    element(
      'header',
      {},
      help(helpSection),
      element('h3', { text: title }),
      element('p', { text: description }),
    ),
    ...content,
  );
}

/** The poster, or a plain frame with the title when there is none or it cannot load. */
function poster(movie) {
  const placeholder = () =>
    element(
      'div',
      { className: 'poster poster-missing', attributes: { role: 'img', 'aria-label': 'No poster' } },
      element('span', { text: 'No poster' }),
    );
  if (!movie.poster_path || !POSTER_PATH.test(movie.poster_path)) return placeholder();
  const image = element('img', {
    className: 'poster',
    attributes: {
      src: `${POSTER_BASE}${movie.poster_path}`,
      alt: `Poster of ${movie.title}`,
      width: 342,
      height: 513,
    },
  });
  image.addEventListener('error', () => image.replaceWith(placeholder()), { once: true });
  return image;
}

function names(list) {
  return (list ?? [])
    .map((item) => (typeof item === 'string' ? item : item.name))
    .filter(Boolean)
    .join(', ');
}

function releaseText(movie, facts) {
  const parts = [movie.release_date];
  if (facts?.us_release_date && facts.us_release_date !== movie.release_date)
    parts.push(`US ${facts.us_release_date}`);
  return parts.filter(Boolean).join(' · ');
}

/** Facts as a definition list; a fact the film does not have is left out rather than shown empty. */
function factList(movie, facts) {
  const rows = [
    ['Release', releaseText(movie, facts)],
    ['Runtime', movie.runtime ? `${movie.runtime} min` : ''],
    ['Genres', movie.genres.join(', ')],
    [
      'Language',
      [
        movie.original_language,
        names(facts?.spoken_languages?.map?.((l) => l.english_name ?? l.name ?? l.iso_639_1 ?? l)),
      ]
        .filter(Boolean)
        .join(' · spoken: '),
    ],
    ['Companies', names(facts?.companies)],
    ['Countries', names(facts?.countries)],
    ['Collection', facts?.collection?.name ?? ''],
    ['Keywords', names(facts?.keywords)],
    ['Budget', facts?.budget ? money.format(facts.budget) : ''],
    ['Revenue', facts?.revenue ? money.format(facts.revenue) : ''],
    ['Status', facts?.status ?? ''],
  ].filter(([, value]) => value);
  return element(
    'dl',
    { className: 'film-facts' },
    ...rows.map(([term, value]) =>
      element('div', {}, element('dt', { text: term }), element('dd', { text: value })),
    ),
  );
}

function figures(movie) {
  const figure = (term, value) =>
    element('div', {}, element('dt', { text: term }), element('dd', { text: value }));
  return element(
    'dl',
    { className: 'film-figures' },
    figure('Popularity', fixed(movie.popularity, 1)),
    figure('Votes', integer(movie.vote_count)),
    figure('Rating', rating(movie.vote_average)),
  );
}

/** The models' out-of-fold predictions; the linear one when the run has none of those. */
function predictionRows(answer) {
  if (answer.predictions?.length > 0) return answer.predictions;
  const linear = answer.prediction;
  if (!linear) return [];
  return [
    {
      model: 'linear_popularity',
      predicted: linear.predicted_popularity,
      actual: linear.actual_popularity,
      in_words: '',
    },
    {
      model: 'linear_vote_average',
      predicted: linear.predicted_vote_average,
      actual: linear.actual_vote_average,
      in_words: '',
    },
  ];
}

function interval(prediction) {
  return typeof prediction.lower === 'number' && typeof prediction.upper === 'number'
    ? `${fixed(prediction.lower, 1)} – ${fixed(prediction.upper, 1)}`
    : '—';
}

function predictionsCard(answer) {
  const rows = predictionRows(answer);
  const cell = (text, className) => element('td', { className, text });
  const table = element(
    'table',
    { className: 'film-table film-predictions' },
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        element('th', { text: 'Model', attributes: { scope: 'col' } }),
        element('th', { className: 'num', text: 'Predicted', attributes: { scope: 'col' } }),
        element('th', { className: 'num', text: '80% interval', attributes: { scope: 'col' } }),
        element('th', { className: 'num', text: 'Actual', attributes: { scope: 'col' } }),
        element('th', { text: 'In words', attributes: { scope: 'col' } }),
      ),
    ),
    element(
      'tbody',
      {},
      ...rows.map((p) =>
        element(
          'tr',
          {},
          cell(modelName(p.model), 'title'),
          cell(fixed(p.predicted, 2), 'num'),
          cell(interval(p), 'num'),
          cell(fixed(p.actual, 2), 'num'),
          cell(p.in_words || '—', 'in-words'),
        ),
      ),
    ),
  );
  return card(
    'film-predictions',
    'What the models predict',
    'Each model’s prediction for this film from a model that did not see it, with the range that holds the actual value for 80% of films.',
    'what-the-models-predict-for-a-film',
    element('div', { className: 'table-wrap' }, table),
    element('p', {
      className: 'list-empty',
      text: 'No predictions for this film yet: run `horrorcast train`.',
      attributes: rows.length ? { hidden: '' } : {},
    }),
  );
}

function similarCard(answer) {
  const similar = answer.similar ?? [];
  const items = similar.map((film) =>
    element(
      'li',
      {},
      filmLink(film),
      yearOf(film) ? element('span', { className: 'film-year', text: ` (${yearOf(film)})` }) : null,
      film.reason ? element('span', { className: 'similar-reason', text: film.reason }) : null,
    ),
  );
  return card(
    'similar-films',
    'Films like this one',
    'The ten nearest films in the models’ feature space, ties broken by shared genres and keywords.',
    'similar-films',
    element('ol', { className: 'similar-list' }, ...items),
    element('p', {
      className: 'list-empty',
      text: 'No similar films yet: they are found by each training run (`horrorcast train`).',
      attributes: items.length ? { hidden: '' } : {},
    }),
  );
}

function historyCard(snapshots) {
  const canvas = element('canvas', {
    attributes: { id: 'chart-film-history', 'aria-label': 'Popularity, votes and rating over time' },
  });
  return card(
    'film-history',
    'Popularity, votes and rating over time',
    `One point per collection (${integer(snapshots.length)}). Popularity on the left axis; votes and rating on the right.`,
    'a-films-history',
    element('div', { className: 'chart-box' }, canvas),
    element('p', {
      className: 'list-empty',
      text: 'One collection so far: the next one draws a line.',
      attributes: snapshots.length > 1 ? { hidden: '' } : {},
    }),
  );
}

/** The page of an id nothing was collected for, with a search box to find the film meant. */
function notFound(container, id, message, createSearchBox) {
  const form = element(
    'form',
    {},
    element('label', {
      className: 'visually-hidden',
      text: 'Find a film by its title',
      attributes: { for: 'missing-search-input' },
    }),
    element('input', {
      attributes: {
        id: 'missing-search-input',
        type: 'search',
        name: 'q',
        placeholder: 'Find a film…',
        autocomplete: 'off',
        role: 'combobox',
        'aria-autocomplete': 'list',
        'aria-expanded': 'false',
        'aria-controls': 'missing-search-suggestions',
      },
    }),
    element('ul', {
      className: 'search-suggestions',
      attributes: { id: 'missing-search-suggestions', role: 'listbox', 'aria-label': 'Films', hidden: '' },
    }),
  );
  container.replaceChildren(
    element(
      'nav',
      { className: 'film-back' },
      element('a', { text: '← Dashboard', attributes: { href: '#overview' } }),
    ),
    element(
      'section',
      { className: 'film-missing' },
      element('h1', { text: 'Film not found' }),
      element('p', { text: message ?? `No film with TMDB id ${id} has been collected.` }),
      element('p', { text: 'Search for it by its title:' }),
      element('search', { className: 'search search-large' }, form),
    ),
  );
  createSearchBox(form);
  form.querySelector('input').focus();
}

/**
 * The film page at #/film/:id: poster, facts, snapshot history, predictions and similar films,
 * from GET /api/movies/:id. An unknown id gets the not-found page.
 */
export function createFilmPage(container, Chart, { createSearchBox }) {
  let chart;
  let shownId;

  function render(answer) {
    const { movie, snapshots = [] } = answer;
    const facts = answer.facts ?? movie.facts ?? null;
    chart?.destroy();
    chart = undefined;
    const intro = element(
      'div',
      { className: 'film-intro' },
      element('h1', { className: 'film-title', text: movie.title, attributes: { tabindex: '-1' } }),
      movie.original_title && movie.original_title !== movie.title
        ? element('p', { className: 'film-original', text: `Original title: ${movie.original_title}` })
        : null,
      facts?.tagline ? element('p', { className: 'film-tagline', text: facts.tagline }) : null,
      movie.overview ? element('p', { className: 'film-overview', text: movie.overview }) : null,
      figures(movie),
      factList(movie, facts),
    );
    container.replaceChildren(
      element(
        'nav',
        { className: 'film-back' },
        element('a', { text: '← Dashboard', attributes: { href: '#overview' } }),
      ),
      element(
        'article',
        { className: 'film' },
        element(
          'div',
          { className: 'film-head' },
          element('figure', { className: 'poster-frame' }, poster(movie)),
          intro,
        ),
        element(
          'section',
          { className: 'grid grid-pair film-cards' },
          historyCard(snapshots),
          predictionsCard(answer),
          similarCard(answer),
        ),
      ),
    );
    document.title = `${movie.title} · Horrorcast`;
    // Keyboard and screen-reader users go on from the film's title, as after loading a new page.
    container.querySelector('.film-title').focus({ preventScroll: true });
    if (snapshots.length > 0) {
      const canvas = container.querySelector('#chart-film-history');
      chart = new Chart(canvas, filmHistoryConfig(snapshots, { narrow: container.clientWidth < 600 }));
    }
  }

  return {
    async show(id) {
      shownId = id;
      container.replaceChildren(element('p', { className: 'film-loading', text: 'Loading the film…' }));
      if (!/^[1-9]\d{0,9}$/.test(id)) {
        notFound(container, id, `“${id}” is not a TMDB film id.`, createSearchBox);
        return;
      }
      try {
        const answer = await fetchJson(`/api/movies/${id}`);
        if (shownId === id) render(answer);
      } catch (error) {
        if (shownId !== id) return;
        if (/: 404 /.test(error.message)) notFound(container, id, null, createSearchBox);
        else
          container.replaceChildren(element('p', { className: 'banner banner-error', text: error.message }));
      }
    },
    hide() {
      shownId = undefined;
      chart?.destroy();
      chart = undefined;
      container.replaceChildren();
    },
  };
}
