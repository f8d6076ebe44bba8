import type { Page } from 'playwright-core';

/** The canvas id of every chart on the dashboard. */
export const chartIds = [
  'chart-top-films',
  'chart-predicted-popularity',
  'chart-predicted-rating',
  'chart-feature-importance',
  'chart-actual-vs-predicted',
  'chart-confusion-matrix',
  'chart-roc-curve',
  'chart-pca-clusters',
  'chart-cluster-profiles',
  'chart-release-months',
  'chart-model-history',
];

interface ChartElement {
  getCenterPoint(useFinalPosition: boolean): { x: number; y: number };
}

interface PageChart {
  data: { labels?: unknown[]; datasets: Array<{ label?: string; data: unknown[] }> };
  getDatasetMeta(index: number): { hidden: boolean | null; data: ChartElement[] };
  chartArea: { left: number; right: number; top: number; bottom: number };
  tooltip: { opacity: number; getActiveElements(): unknown[] };
  legend: { legendItems?: Array<{ text: string }> };
  options: { scales: Record<string, { title?: { text?: string } }> };
}

/** What the tests read from Chart.js inside the page. */
export interface PageCharts {
  Chart: { getChart(canvas: Element | null): PageChart | undefined };
}

/** Waits until every chart holds data. */
export async function waitForCharts(page: Page, ids: readonly string[] = chartIds): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      wanted.every((id) =>
        (globalThis as unknown as Partial<PageCharts>).Chart?.getChart(
          document.getElementById(id),
        )?.data.datasets.some((d) => d.data.length > 0),
      ),
    ids,
  );
}

/**
 * Where, in CSS pixels inside the canvas, the first, middle and last element of each visible
 * dataset sit once their animation ends; elements outside the plotted area (an axis that shows only
 * the central range) cannot be hovered and are left out.
 */
function dataPositions(page: Page, id: string): Promise<Array<Array<{ x: number; y: number }>>> {
  return page.evaluate((canvasId) => {
    const chart = (globalThis as unknown as PageCharts).Chart.getChart(document.getElementById(canvasId));
    if (!chart) return [];
    return chart.data.datasets.map((_, index) => {
      const meta = chart.getDatasetMeta(index);
      if (meta.hidden) return [];
      const area = chart.chartArea;
      const inside = meta.data
        .map((element) => element.getCenterPoint(true))
        .filter((p) => p.x >= area.left && p.x <= area.right && p.y >= area.top && p.y <= area.bottom);
      const last = inside.length - 1;
      return last < 0 ? [] : [...new Set([0, Math.floor(last / 2), last])].map((i) => inside[i]);
    });
  }, id);
}

/** Moves the mouse over data points and bars of one chart, ending on the first dataset's middle. */
export async function hoverChart(page: Page, id: string): Promise<void> {
  const canvas = page.locator(`#${id}`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`${id} is not on screen`);
  const byDataset = await dataPositions(page, id);
  const first = byDataset[0] ?? [];
  if (first.length === 0) throw new Error(`${id} has no data elements to hover`);
  const firstDatasetMiddle = first[Math.floor((first.length - 1) / 2)];
  for (const point of [...byDataset.flat(), firstDatasetMiddle]) {
    await page.mouse.move(box.x + point.x, box.y + point.y, { steps: 4 });
  }
}

/** The chart's tooltip opacity: 0 hidden, 1 fully drawn (it fades in through the animation loop). */
export function tooltipOpacity(page: Page, id: string): Promise<number | null> {
  return page.evaluate((canvasId) => {
    const chart = (globalThis as unknown as PageCharts).Chart.getChart(document.getElementById(canvasId));
    return chart && chart.tooltip.getActiveElements().length > 0 ? chart.tooltip.opacity : null;
  }, id);
}
