import { fetchJson } from '../api.js';
import { csvHref, queryString } from '../csv.js';
import { element, errorText, showEmpty } from '../dom.js';
import { fixed, percent, yearOf } from '../format.js';
import { filmLink } from '../links.js';

const LIMIT = 8;

function signed(text, value) {
  return value > 0 ? `+${text}` : text;
}

function moverItem(item, measure) {
  const change =
    measure === 'relative'
      ? signed(percent(item.relative_change, 0), item.relative_change)
      : signed(fixed(item.change, 1), item.change);
  return element(
    'li',
    {},
    element(
      'span',
      { className: 'mover-film' },
      filmLink(item),
      yearOf(item) ? element('span', { className: 'film-year', text: ` (${yearOf(item)})` }) : null,
    ),
    element('span', {
      className: `mover-change ${item.change >= 0 ? 'residual-up' : 'residual-down'}`,
      text: change,
    }),
    element('span', { className: 'mover-span', text: `${fixed(item.from, 1)} → ${fixed(item.to, 1)}` }),
  );
}

/** Sets which button of a toggle group is pressed. */
function press(buttons, pressed) {
  for (const button of buttons) button.setAttribute('aria-pressed', String(button === pressed));
}

/** Risers and fallers over 7 or 30 days of snapshots, relative or absolute. */
export function createMovers(card) {
  const state = { window: '7', measure: 'relative' };
  const windowButtons = [...card.querySelectorAll('[data-window]')];
  const measureButtons = [...card.querySelectorAll('[data-measure]')];
  const lists = ['risers', 'fallers'].map((direction) => {
    const section = card.querySelector(`[data-list="${direction}"]`);
    return {
      direction,
      list: section.querySelector('ol'),
      empty: section.querySelector('.list-empty'),
      csv: section.querySelector('.csv-link'),
    };
  });

  async function loadList({ direction, list, empty, csv }) {
    const params = { window: state.window, direction, measure: state.measure };
    csv.href = csvHref('/api/insights/movers', params);
    try {
      const answer = await fetchJson(`/api/insights/movers?${queryString({ ...params, limit: LIMIT })}`);
      const items = answer.items ?? [];
      list.replaceChildren(...items.map((item) => moverItem(item, state.measure)));
      showEmpty(
        empty,
        items.length > 0
          ? null
          : (answer.hint ??
              `Needs collections ${state.window} days apart: \`horrorcast ingest\` runs on its schedule, or run it again later.`),
      );
    } catch (error) {
      list.replaceChildren();
      showEmpty(empty, errorText(error));
    }
  }

  function load() {
    return Promise.all(lists.map(loadList));
  }

  for (const button of windowButtons) {
    button.addEventListener('click', () => {
      state.window = button.dataset.window;
      press(windowButtons, button);
      load();
    });
  }
  for (const button of measureButtons) {
    button.addEventListener('click', () => {
      state.measure = button.dataset.measure;
      press(measureButtons, button);
      load();
    });
  }
  return { refresh: load };
}
