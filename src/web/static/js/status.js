import { ago, clock, fixed, integer, percent } from './format.js';

const statusPill = {
  succeeded: 'pill-ok',
  partial: 'pill-warn',
  running: 'pill-warn',
  insufficient_data: 'pill-warn',
  failed: 'pill-bad',
};

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

/** "succeeded 5 min ago · 312 new, 4,100 updated", built from elements so nothing is parsed as HTML. */
function runLine(element, run, details) {
  if (!run) {
    element.replaceChildren('never');
    return;
  }
  const pill = document.createElement('span');
  pill.className = `pill ${statusPill[run.status] ?? ''}`;
  pill.textContent = run.status.replace('_', ' ');
  const when = run.finished_at ?? run.started_at;
  element.replaceChildren(pill, `${ago(when)}${details ? ` · ${details}` : ''}`);
  element.title = `started ${run.started_at}${run.finished_at ? `, finished ${run.finished_at}` : ''}`;
}

function crossValidated(label, score) {
  return score ? `${label} ${fixed(score.mean, 3)} ± ${fixed(score.std, 3)}` : '';
}

function regressionMetrics(prefix, score) {
  setText(`metric-${prefix}-mae`, fixed(score?.mae, 2));
  setText(`metric-${prefix}-r2`, fixed(score?.r2, 3));
  const cv = [crossValidated('MAE', score?.cv_mae), crossValidated('R²', score?.cv_r2)].filter(Boolean);
  setText(`metric-${prefix}-cv`, cv.length ? `5-fold CV: ${cv.join(' · ')}` : '');
}

/** A boosted model's card: its 5-fold means in front, the spread and the interval coverage below. */
function boostedMetrics(prefix, score, maeDecimals) {
  setText(`metric-${prefix}-mae`, fixed(score?.cv_mae?.mean, maeDecimals));
  setText(`metric-${prefix}-r2`, fixed(score?.cv_r2?.mean, 3));
  const details = [
    crossValidated('MAE', score?.cv_mae),
    crossValidated('R²', score?.cv_r2),
    score?.coverage != null && `80% intervals hold ${percent(score.coverage, 0)}`,
  ].filter(Boolean);
  setText(`metric-${prefix}-cv`, details.length ? `5-fold CV: ${details.join(' · ')}` : '');
}

/** "312 new, 4,100 updated", and for a CSV import the file with its rejected and skipped rows. */
function collectionDetails(run) {
  const counts = `${integer(run.new_films)} new, ${integer(run.updated_films)} updated`;
  if (run.source !== 'import') return counts;
  return [
    `import of ${run.source_file ?? 'a CSV file'}`,
    counts,
    run.failure_count && `${integer(run.failure_count)} rejected`,
    run.skipped && `${integer(run.skipped)} skipped (too few votes)`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The masthead, the demo banner and the metric cards: everything /api/status describes. */
export function renderStatus(status) {
  const collection = status.last_collection;
  runLine(
    document.getElementById('status-collection'),
    collection,
    collection && collectionDetails(collection),
  );
  const training = status.last_training;
  runLine(
    document.getElementById('status-training'),
    training,
    training &&
      [
        `${integer(training.sample_count)} films`,
        training.duration_seconds && `${fixed(training.duration_seconds, 1)} s`,
      ]
        .filter(Boolean)
        .join(' · '),
  );
  document.getElementById('demo-banner').hidden = status.data_source !== 'demo';

  setText('metric-films', integer(status.films));
  setText('metric-films-note', `${integer(status.snapshots)} snapshots`);
  const scores = status.model?.scores;
  regressionMetrics('linear', scores?.linear_popularity);
  regressionMetrics('vote', scores?.linear_vote_average);
  regressionMetrics('rf', scores?.rf_regression);
  const classifier = scores?.rf_classification;
  setText('metric-accuracy', percent(classifier?.accuracy));
  setText('metric-auc', fixed(classifier?.auc, 3));
  const cv = [
    crossValidated('acc', classifier?.cv_accuracy),
    crossValidated('AUC', classifier?.cv_auc),
  ].filter(Boolean);
  setText('metric-classifier-cv', cv.length ? `5-fold CV: ${cv.join(' · ')}` : '');
  boostedMetrics('v2-popularity', scores?.popularity_v2, 2);
  boostedMetrics('v2-rating', scores?.rating_v2, 3);
  setText('metric-pre-popularity-r2', fixed(scores?.pre_release_popularity?.cv_r2?.mean, 3));
  setText('metric-pre-rating-r2', fixed(scores?.pre_release_rating?.cv_r2?.mean, 3));
  const pre = [
    crossValidated('popularity MAE', scores?.pre_release_popularity?.cv_mae),
    crossValidated('rating MAE', scores?.pre_release_rating?.cv_mae),
  ].filter(Boolean);
  setText('metric-pre-cv', pre.length ? `5-fold CV: ${pre.join(' · ')}` : (scores?.notes ?? []).join(' '));
  // Figures from fewer than 30 held-out films are mostly noise: every model card says so.
  const small = scores?.small_sample === true;
  for (const badge of document.querySelectorAll('.small-sample')) {
    badge.hidden = !small;
    badge.title = small
      ? `computed on ${scores.test_count} held-out films (fewer than 30): mostly noise`
      : '';
  }

  const empty = status.films === 0 || !status.model;
  document.getElementById('empty-state').hidden = !empty;
  setText('empty-hint', status.hint ?? '');
  setText(
    'footer-run',
    status.model
      ? `Models from training run #${status.model.run_id}, ${status.model.trained_at ? ago(status.model.trained_at) : ''}, on ${integer(status.model.sample_count)} films.`
      : '',
  );
}

export function renderRefreshed(date, intervalMs) {
  setText('status-refresh', `${clock(date)} · every ${Math.round(intervalMs / 1000)} s`);
}

export function renderError(message) {
  const banner = document.getElementById('error-banner');
  banner.hidden = !message;
  banner.textContent = message ? `Could not refresh: ${message}` : '';
}
