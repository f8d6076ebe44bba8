import { postJson } from './api.js';
import { fixed, percent } from './format.js';

/** The PCA plot's colours (palette.clusters in charts/theme.js) come in this many, by class. */
const CLUSTER_COLOURS = 6;

/**
 * What if? A film that does not exist yet, described in a form and answered by
 * POST /api/predict with the newest training run's models. Every answer is written as text.
 */
export function createWhatIf(card) {
  const form = card.querySelector('form');
  const button = form.querySelector('button[type="submit"]');
  const note = card.querySelector('.what-if-note');
  const swatch = card.querySelector('.swatch');
  const results = {
    popularity: card.querySelector('#what-if-popularity'),
    linear: card.querySelector('#what-if-linear'),
    rating: card.querySelector('#what-if-rating'),
    threshold: card.querySelector('#what-if-threshold'),
    voteAverage: card.querySelector('#what-if-vote-average'),
    cluster: card.querySelector('#what-if-cluster'),
    position: card.querySelector('#what-if-position'),
  };

  function clear() {
    for (const element of Object.values(results)) element.textContent = '—';
    swatch.hidden = true;
  }

  function show(answer) {
    results.popularity.textContent = fixed(answer.random_forest.popularity, 1);
    results.linear.textContent = `random forest · linear ${fixed(answer.linear.popularity, 1)}`;
    results.rating.textContent = percent(answer.high_rating.probability, 0);
    results.threshold.textContent = `chance of a rating above ${fixed(answer.high_rating.threshold, 2)}`;
    results.voteAverage.textContent = fixed(answer.linear.vote_average, 2);
    results.cluster.textContent = `Cluster ${answer.clustering.cluster + 1}`;
    results.position.textContent = `PCA (${fixed(answer.clustering.pc1, 2)}, ${fixed(answer.clustering.pc2, 2)})`;
    swatch.dataset.cluster = String(answer.clustering.cluster % CLUSTER_COLOURS);
    swatch.hidden = false;
    note.classList.remove('what-if-error');
    note.textContent = `Models of training run #${answer.run.id} (${answer.run.sample_count} films); nothing was retrained or stored.`;
  }

  function showError(message) {
    clear();
    note.classList.add('what-if-error');
    note.textContent = message;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const film = {
      runtime: Number(data.get('runtime')),
      vote_count: Number(data.get('vote_count')),
      release_date: String(data.get('release_date')),
      genres: data.getAll('genres').map(String),
      original_language: String(data.get('original_language')),
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
