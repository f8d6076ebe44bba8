import { fetchJson, postJson } from './api.js';
import { fixed, percent } from './format.js';

/** The PCA plot's colours (palette.clusters in charts/theme.js) come in this many, by class. */
const CLUSTER_COLOURS = 6;

/** "a, b ,c" → ["a", "b", "c"]; a number alone is a company id. */
function listOf(text, numbersAreIds = false) {
  return String(text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => (numbersAreIds && /^\d+$/.test(item) ? Number(item) : item));
}

/** "+1.8" or "−0.4": a contribution with its sign. */
function signed(value, decimals) {
  return `${value < 0 ? '−' : '+'}${fixed(Math.abs(value), decimals)}`;
}

function fillList(list, items, text) {
  list.replaceChildren(
    ...items.map((item) => {
      const entry = document.createElement('li');
      entry.textContent = text(item);
      return entry;
    }),
  );
}

/**
 * What if? A film before its release, described in a form and answered by POST /api/predict
 * with the newest training run's pre-release models. Every answer is written as text.
 */
export function createWhatIf(card) {
  const form = card.querySelector('form');
  const button = form.querySelector('button[type="submit"]');
  const note = card.querySelector('.what-if-note');
  const swatch = card.querySelector('.swatch');
  const companies = form.querySelector('input[name="companies"]');
  const suggestions = card.querySelector('#what-if-company-list');
  const results = {
    popularity: card.querySelector('#what-if-popularity'),
    popularityRange: card.querySelector('#what-if-popularity-range'),
    voteAverage: card.querySelector('#what-if-vote-average'),
    voteAverageRange: card.querySelector('#what-if-vote-average-range'),
    rating: card.querySelector('#what-if-rating'),
    cluster: card.querySelector('#what-if-cluster'),
    position: card.querySelector('#what-if-position'),
  };
  const lists = {
    popularityWhy: card.querySelector('#what-if-popularity-why'),
    ratingWhy: card.querySelector('#what-if-rating-why'),
    similar: card.querySelector('#what-if-similar'),
    notes: card.querySelector('#what-if-notes'),
  };

  function clear() {
    for (const element of Object.values(results)) element.textContent = '—';
    for (const list of Object.values(lists)) list.replaceChildren();
    swatch.hidden = true;
  }

  function show(answer) {
    results.popularity.textContent = fixed(answer.popularity.value, 1);
    results.popularityRange.textContent = `80% range ${fixed(answer.popularity.lower, 1)} – ${fixed(answer.popularity.upper, 1)}`;
    results.voteAverage.textContent = fixed(answer.rating.value, 2);
    results.voteAverageRange.textContent = `80% range ${fixed(answer.rating.lower, 1)} – ${fixed(answer.rating.upper, 1)}`;
    results.rating.textContent = percent(answer.high_rating_probability, 0);
    results.cluster.textContent = `Cluster ${answer.cluster + 1}`;
    const { pc1, pc2 } = answer.baseline_models.clustering;
    results.position.textContent = `PCA (${fixed(pc1, 2)}, ${fixed(pc2, 2)})`;
    swatch.dataset.cluster = String(answer.cluster % CLUSTER_COLOURS);
    swatch.hidden = false;
    fillList(
      lists.popularityWhy,
      answer.contributions.popularity,
      (c) => `${c.label}: ${signed(c.value, 1)}`,
    );
    fillList(lists.ratingWhy, answer.contributions.rating, (c) => `${c.label}: ${signed(c.value, 2)}`);
    fillList(lists.similar, answer.similar, (film) => `${film.title}${film.year ? ` (${film.year})` : ''}`);
    fillList(lists.notes, answer.notes, (text) => text);
    note.classList.remove('what-if-error');
    note.textContent = `Models of training run #${answer.run.id} (${answer.run.sample_count} films); nothing was retrained or stored.`;
  }

  function showError(message) {
    clear();
    note.classList.add('what-if-error');
    note.textContent = message;
  }

  // Suggestions for the company being typed (the last after a comma), from the stored films' companies.
  let asked = '';
  companies.addEventListener('input', async () => {
    const typed = companies.value.split(',').at(-1).trim();
    if (typed.length < 2 || typed === asked) return;
    asked = typed;
    try {
      const { items } = await fetchJson(`/api/predict/companies?q=${encodeURIComponent(typed)}&limit=8`);
      const before = companies.value.includes(',')
        ? `${companies.value.slice(0, companies.value.lastIndexOf(',') + 1)} `
        : '';
      suggestions.replaceChildren(
        ...items.map((company) => {
          const option = document.createElement('option');
          option.value = `${before}${company.name}`;
          option.label = `${company.film_count} films`;
          return option;
        }),
      );
    } catch {
      suggestions.replaceChildren();
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const budget = Number(data.get('budget'));
    const film = {
      runtime: Number(data.get('runtime')),
      release_date: String(data.get('release_date')),
      genres: data.getAll('genres').map(String),
      original_language: String(data.get('original_language')),
      sequel: data.get('sequel') !== null,
      companies: listOf(data.get('companies'), true),
      keywords: listOf(data.get('keywords')),
      ...(budget > 0 ? { budget: Math.round(budget) } : {}),
    };
    button.disabled = true;
    card.setAttribute('aria-busy', 'true');
    try {
      show(await postJson('/api/predict', film));
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    } finally {
      button.disabled = false;
      card.removeAttribute('aria-busy');
    }
  });
}
