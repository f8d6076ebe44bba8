/**
 * K-means numbers its clusters without meaning. A cluster gets a name from what sets it apart: each
 * of its averages compared with the average of all clustered films. The PCA legend, the profiles
 * chart and their tooltips all use these names.
 */
export const clusterMeasures = [
  { key: 'avg_runtime', label: 'Runtime', decimals: 0, unit: ' min', high: 'long', low: 'short' },
  {
    key: 'avg_vote_average',
    label: 'Rating',
    decimals: 2,
    unit: '',
    high: 'well-rated',
    low: 'poorly rated',
  },
  { key: 'avg_vote_count', label: 'Votes', decimals: 0, unit: '', high: 'many votes', low: 'few votes' },
  { key: 'avg_popularity', label: 'Popularity', decimals: 1, unit: '', high: 'popular', low: 'little-known' },
];

/** A difference smaller than this share of the overall average does not set a cluster apart. */
const DISTINCT_SHARE = 0.05;
/** Names stay short: the most distinctive measures only. */
const MAX_WORDS = 3;

/** The average over all films of each measure: cluster averages weighted by their film counts. */
export function overallAverages(profiles) {
  const films = profiles.reduce((n, p) => n + p.film_count, 0);
  return Object.fromEntries(
    clusterMeasures.map(({ key }) => [
      key,
      films > 0 ? profiles.reduce((sum, p) => sum + p[key] * p.film_count, 0) / films : 0,
    ]),
  );
}

/** How far a cluster's average lies from the overall one, as a share of it (0.1 = 10% above). */
export function relativeDifference(profile, overall, key) {
  return overall[key] === 0 ? 0 : (profile[key] - overall[key]) / overall[key];
}

/** "long, few votes": the measures that differ most, in a fixed order; "typical" when none does. */
function nameOf(profile, overall) {
  const distinct = clusterMeasures
    .map((measure) => ({ measure, difference: relativeDifference(profile, overall, measure.key) }))
    .filter(({ difference }) => Math.abs(difference) >= DISTINCT_SHARE)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
    .slice(0, MAX_WORDS);
  if (distinct.length === 0) return 'typical';
  return clusterMeasures
    .flatMap((measure) => {
      const found = distinct.find((d) => d.measure === measure);
      if (!found) return [];
      return [found.difference > 0 ? measure.high : measure.low];
    })
    .join(', ');
}

/** Numbered from 1, as everywhere on the dashboard. */
export function clusterNumber(cluster) {
  return `Cluster ${cluster + 1}`;
}

/** cluster id -> its name, for every cluster of the profiles answer. */
export function clusterNames(profiles) {
  const overall = overallAverages(profiles);
  return new Map(profiles.map((p) => [p.cluster, nameOf(p, overall)]));
}
