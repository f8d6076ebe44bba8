import { describeEnqueued } from '../../jobs/enqueue.js';
import { runLiveness } from '../../persistence/index.js';
import { createWiring } from '../../wiring.js';
import { CommandError } from '../errors.js';
import { printJson } from '../json.js';

/** `horrorcast train`: a training here, or (`--enqueue`) one handed to the workers. */
export async function trainAction(options: { json?: boolean; enqueue?: boolean }): Promise<void> {
  const wiring = createWiring();
  // Loaded here, not above: `--enqueue` needs neither the models nor their worker thread.
  const { runTraining, TrainingError } = await import('../../training/index.js');
  try {
    if (options.enqueue) {
      const queued = await (await wiring.jobQueue('train --enqueue')).enqueueTrain();
      if (options.json) printJson(queued);
      else process.stdout.write(`${describeEnqueued('train', queued)}\n`);
      return;
    }
    const summary = await runTraining({
      stores: await wiring.stores(),
      logger: wiring.logger,
      liveness: runLiveness(wiring.config.RUN_STALE_AFTER_S),
      outageTimeoutMs: wiring.config.OUTAGE_TIMEOUT_S * 1000,
    });
    if (options.json) {
      printJson(summary);
      return;
    }
    if (summary.status === 'insufficient_data' || !summary.metrics) {
      process.stdout.write(
        `run ${summary.runId}: insufficient data (${summary.sampleCount} films, at least 20 needed); collect films first with \`horrorcast ingest\`\n`,
      );
      return;
    }
    const { metrics, seconds } = summary;
    const cv = (name: keyof typeof metrics.cv5) => {
      const value = metrics.cv5[name];
      return value ? `${value.mean.toFixed(3)} ± ${value.std.toFixed(3)}` : '—';
    };
    const took = (value: number | undefined) => `${(value ?? 0).toFixed(2)} s`;
    process.stdout.write(
      `${[
        `run ${summary.runId} succeeded on ${summary.sampleCount} films in ${summary.durationSeconds.toFixed(1)} s`,
        `linear popularity     MAE ${metrics.linear.popularity.mae.toFixed(3)}  R² ${metrics.linear.popularity.r2.toFixed(3)}  (5-fold R² ${cv('linear_popularity_r2')})`,
        `linear vote average   MAE ${metrics.linear.vote_average.mae.toFixed(3)}  R² ${metrics.linear.vote_average.r2.toFixed(3)}  (5-fold R² ${cv('linear_vote_average_r2')})`,
        `forest popularity     MAE ${metrics.rf_regression.mae.toFixed(3)}  R² ${metrics.rf_regression.r2.toFixed(3)}  (5-fold R² ${cv('rf_regression_r2')})  ${took(seconds?.rf_regression)}`,
        `forest high rating    accuracy ${metrics.rf_classification.accuracy.toFixed(3)}  AUC ${metrics.rf_classification.auc.toFixed(3)}  (5-fold AUC ${cv('rf_classification_auc')})  ${took(seconds?.rf_classification)}`,
        `clusters              k ${metrics.clustering.k}  sizes ${metrics.clustering.sizes.join('/')}  PCA ${metrics.clustering.pca_explained.map((v) => `${(v * 100).toFixed(1)}%`).join(' + ')}  ${took(seconds?.clustering)}`,
        ...(['popularity_v2', 'rating_v2', 'pre_release_popularity', 'pre_release_rating'] as const).map(
          (name) =>
            `${name.padEnd(22)}5-fold MAE ${cv(`${name}_mae`)}  R² ${cv(`${name}_r2`)}  80% interval coverage ${metrics.intervals?.coverage[name]?.toFixed(3) ?? '—'}`,
        ),
        ...(metrics.notes ?? []).map((note) => `note: ${note}`),
      ].join('\n')}\n`,
    );
  } catch (error) {
    if (error instanceof TrainingError) throw new CommandError(error.message, 1);
    throw error;
  } finally {
    await wiring.close();
  }
}
