import { modelToJson } from '../../ml/artifact.js';
import { kMeansOnCallingThread } from '../../ml/forest-pool.js';
import type { KMeansFitter } from '../../ml/kmeans.js';
import { fitPca, transformPca } from '../../ml/pca.js';
import { fitStandardScaler, transformStandardScaler } from '../../ml/scaler.js';
import { pipelineArtifact } from '../artifacts.js';
import type { TrainingData } from '../data.js';
import { HORROR_FEATURES } from '../features.js';
import type {
  ClusterPoint,
  ClusterProfile,
  ModelArtifact,
  TrainingFilm,
  TrainingMetrics,
  TrainingSettings,
} from '../types.js';

export interface ClusteringResult {
  readonly metrics: TrainingMetrics['clustering'];
  readonly points: ClusterPoint[];
  readonly profiles: ClusterProfile[];
  readonly artifact: ModelArtifact;
}

/** Two clusters for small sets, one more per ten films, four at most. */
export function clusterCount(n: number): number {
  return Math.max(2, Math.min(4, Math.floor(n / 10)));
}

/**
 * k-means on all films' scaled horror features, and a two-component PCA of the same features to
 * draw the clusters in a plane.
 */
export async function fitClustering(
  films: readonly TrainingFilm[],
  data: TrainingData,
  settings: TrainingSettings,
  fitter: KMeansFitter = kMeansOnCallingThread,
): Promise<ClusteringResult> {
  const scaler = fitStandardScaler(data.horror);
  const scaled = transformStandardScaler(scaler, data.horror);
  const k = clusterCount(data.n);
  // Every k-means start draws from a fresh generator on the run's seed (see seededRandom).
  const clustering = await fitter({
    features: scaled,
    options: { k, nInit: settings.kMeansInits },
    seed: settings.seed,
  });
  const pca = fitPca(scaled, 2);
  const projected = transformPca(pca, scaled);
  const { labels } = clustering;
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]++;
  return {
    metrics: { k, inertia: clustering.model.inertia, sizes, pca_explained: pca.explainedVarianceRatio },
    points: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      cluster: labels[i],
      pc1: projected.data[i],
      pc2: projected.cols > 1 ? projected.data[data.n + i] : 0,
    })),
    profiles: Array.from({ length: k }, (_, cluster) => clusterProfile(cluster, labels, films, data)),
    artifact: pipelineArtifact({
      name: 'kmeans',
      featureSet: 'horror',
      features: HORROR_FEATURES,
      scaler: modelToJson(scaler),
      model: modelToJson(clustering.model),
      pca: modelToJson(pca),
    }),
  };
}

// Column 0 of the horror features: the runtime with a missing one counted as 90 minutes.
const RUNTIME_COLUMN = 0;

/** The averages of one cluster's films; 0 for an empty cluster. */
function clusterProfile(
  cluster: number,
  labels: Int32Array,
  films: readonly TrainingFilm[],
  data: TrainingData,
): ClusterProfile {
  let count = 0;
  let popularity = 0;
  let voteAverage = 0;
  let runtime = 0;
  let votes = 0;
  for (let i = 0; i < data.n; i++) {
    if (labels[i] !== cluster) continue;
    count++;
    popularity += data.popularity[i];
    voteAverage += data.voteAverage[i];
    runtime += data.horror.data[RUNTIME_COLUMN * data.n + i];
    votes += films[i].voteCount ?? 0;
  }
  const mean = (sum: number) => (count > 0 ? sum / count : 0);
  return {
    cluster,
    filmCount: count,
    avgPopularity: mean(popularity),
    avgVoteAverage: mean(voteAverage),
    avgRuntime: mean(runtime),
    avgVoteCount: mean(votes),
  };
}
