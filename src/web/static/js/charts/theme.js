/**
 * Chart.js comes from /vendor/chart.js (the UMD build from node_modules, loaded before the
 * modules run) and is read from the global it defines. Titles reach the canvas as text only.
 */
export const palette = {
  accent: '#d63a52',
  accentSoft: 'rgba(214, 58, 82, 0.25)',
  violet: '#9b7bff',
  violetSoft: 'rgba(155, 123, 255, 0.25)',
  teal: '#3cc6c0',
  good: '#45c08a',
  warn: '#f0a03a',
  bad: '#e5484d',
  text: '#ece6ea',
  muted: '#a3979f',
  grid: 'rgba(255, 255, 255, 0.07)',
  clusters: ['#d63a52', '#3cc6c0', '#f0a03a', '#9b7bff', '#45c08a', '#e06bd0'],
};

/** Reads the Chart.js global once at start-up and gives it the dashboard's look. */
export function loadChartLibrary() {
  const { Chart } = globalThis;
  if (!Chart) throw new Error('Chart.js did not load from /vendor/chart.js/chart.umd.min.js');
  Chart.defaults.color = palette.muted;
  Chart.defaults.borderColor = palette.grid;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.maintainAspectRatio = false;
  setAnimationDuration(Chart.defaults, matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 400);
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.color = palette.text;
  Chart.defaults.plugins.tooltip.backgroundColor = 'rgba(14, 11, 16, 0.95)';
  Chart.defaults.plugins.tooltip.borderColor = '#2c2331';
  Chart.defaults.plugins.tooltip.borderWidth = 1;
  Chart.defaults.plugins.tooltip.padding = 10;
  return Chart;
}

/**
 * Only the durations change: Chart.js keeps more in its animation defaults (each animated
 * property's interpolation type, for colours among them), and replacing the whole object loses
 * that, so the first hover then breaks the animation loop that every chart shares. A duration of 0
 * (the reader asked for reduced motion) makes charts and tooltips appear at once.
 */
function setAnimationDuration(defaults, milliseconds) {
  defaults.animation.duration = milliseconds;
  defaults.transitions.active.animation.duration = milliseconds;
}

/**
 * One chart per card, created on first data and updated in place afterwards (no flicker, no leak).
 * `build(data)` returns a full Chart.js configuration; `caption(data)`, when given, the text of the
 * card's `.card-caption` line: what the chart's figures mean for this run.
 */
export function createChartView(card, Chart, build, caption) {
  const canvas = card.querySelector('canvas');
  const empty = card.querySelector('.card-empty');
  const captionLine = card.querySelector('.card-caption');
  let chart;
  return {
    update(data, emptyMessage) {
      const hasData = emptyMessage === null || emptyMessage === undefined;
      card.classList.toggle('is-empty', !hasData);
      empty.hidden = hasData;
      empty.textContent = hasData ? '' : emptyMessage;
      if (captionLine && caption) {
        captionLine.textContent = hasData ? caption(data) : '';
        captionLine.hidden = !hasData;
      }
      if (!hasData) {
        chart?.destroy();
        chart = undefined;
        return;
      }
      const config = build(data);
      if (!chart) {
        chart = new Chart(canvas, config);
        return;
      }
      chart.data = config.data;
      chart.options = config.options;
      chart.update();
    },
  };
}

export function axisTitle(text) {
  return { display: true, text, color: palette.muted };
}
