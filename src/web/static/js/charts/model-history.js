import { fixed } from '../format.js';
import { modelName } from '../model-names.js';
import { axisTitle, palette } from './theme.js';

const lineColours = [
  palette.accent,
  palette.teal,
  palette.warn,
  palette.violet,
  palette.good,
  '#e06bd0',
  '#7aa2f7',
  '#c0caf5',
];

/** Models in the order they first appear, v2 models first so that the newest work leads the legend. */
function modelsOf(runs) {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.metrics ?? {})))];
  const isNew = (name) => /_v2$|^pre_release_/.test(name);
  return [...names.filter(isNew), ...names.filter((name) => !isNew(name))];
}

/** Whether a run was flagged for a model: `flagged` names models, or holds { model } objects. */
function flaggedFor(run, model) {
  return (run.flagged ?? []).some((flag) => flaggedModel(flag) === model);
}

function flaggedModel(flag) {
  return typeof flag === 'string' ? flag : (flag?.model ?? '?');
}

function runLabel(run) {
  const when = run.finished_at
    ? new Date(run.finished_at).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
    : '';
  return `#${run.run_id}${when ? ` · ${when}` : ''}`;
}

/**
 * Each model's cross-validated mean per run as a line, its spread (mean ± std) as a band of the
 * same colour, and a run flagged for the model as a red cross.
 */
export function modelHistoryConfig(answer) {
  const runs = answer.runs;
  const models = modelsOf(runs);
  const datasets = models.flatMap((model, index) => {
    const colour = lineColours[index % lineColours.length];
    const score = (run) => run.metrics?.[model] ?? null;
    const flagged = runs.map((run) => flaggedFor(run, model));
    const soft = `${colour}33`;
    return [
      {
        label: modelName(model),
        model,
        data: runs.map((run) => score(run)?.mean ?? null),
        borderColor: colour,
        backgroundColor: colour,
        pointStyle: flagged.map((flag) => (flag ? 'crossRot' : 'circle')),
        pointRadius: flagged.map((flag) => (flag ? 9 : 3)),
        pointBorderWidth: flagged.map((flag) => (flag ? 3 : 1)),
        pointBorderColor: flagged.map((flag) => (flag ? palette.bad : colour)),
        spanGaps: true,
        tension: 0,
        band: false,
      },
      {
        label: `${modelName(model)} + std`,
        data: runs.map((run) => (score(run) ? score(run).mean + score(run).std : null)),
        borderColor: 'transparent',
        backgroundColor: soft,
        pointRadius: 0,
        fill: '+1',
        spanGaps: true,
        band: true,
      },
      {
        label: `${modelName(model)} − std`,
        data: runs.map((run) => (score(run) ? score(run).mean - score(run).std : null)),
        borderColor: 'transparent',
        backgroundColor: soft,
        pointRadius: 0,
        fill: false,
        spanGaps: true,
        band: true,
      },
    ];
  });
  return {
    type: 'line',
    data: { labels: runs.map(runLabel), datasets },
    options: {
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: {
          labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band },
          // A click on a model's legend entry hides its band with it.
          onClick: (_event, item, legend) => {
            const chart = legend.chart;
            const visible = chart.isDatasetVisible(item.datasetIndex);
            for (let i = item.datasetIndex; i < item.datasetIndex + 3; i += 1)
              chart.setDatasetVisibility(i, !visible);
            chart.update();
          },
        },
        tooltip: {
          filter: (item) => !item.dataset.band,
          callbacks: {
            label: (item) => {
              const { model, label } = item.dataset;
              const run = runs[item.dataIndex];
              const score = run.metrics?.[model];
              const flag = flaggedFor(run, model) ? ' · outside the earlier runs’ spread' : '';
              return score ? `${label}: ${fixed(score.mean, 3)} ± ${fixed(score.std, 3)}${flag}` : label;
            },
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 10 } },
        y: { title: axisTitle('Cross-validated score') },
      },
    },
  };
}

/** "Run #12 fell outside the spread for rating_v2." or null when nothing was flagged. */
export function flaggedSentence(answer) {
  const flags = answer.runs.flatMap((run) =>
    (run.flagged ?? []).map((flag) => `#${run.run_id} (${modelName(flaggedModel(flag))})`),
  );
  if (flags.length === 0)
    return `${answer.runs.length} runs; none fell outside the spread of the runs before it.`;
  return `Outside the earlier runs’ spread: ${flags.join(', ')}.`;
}
