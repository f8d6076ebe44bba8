import { FEATURE_THRESHOLD } from './types.js';
import type { Workspace } from './workspace.js';

/** Marks which of the node's samples go left; returns where the right child starts. */
export function markSides(
  ws: Workspace,
  m: number,
  f: number,
  start: number,
  end: number,
  position: number,
): number {
  const { order, goesLeft, listOf, rows } = ws;
  const list = listOf[f];
  if (list >= 0) {
    const offset = list * m;
    for (let k = start; k < end; k++) goesLeft[order[offset + k]] = k <= position ? 1 : 0;
    return position + 1;
  }
  const codes = ws.index.codes;
  const column = f * rows;
  let left = start;
  for (let k = start; k < end; k++) {
    const id = order[k];
    // 1 when the code is at most `position`, without a branch: the sign bit of position - code.
    const side = 1 - ((position - codes[column + id]) >>> 31);
    goesLeft[id] = side;
    left += side;
  }
  return left;
}

/**
 * Moves the node's samples to [start, split) and [split, end) in every list, keeping each side in
 * its order (stable), so sorted features stay sorted in the children.
 */
export function partition(
  ws: Workspace,
  m: number,
  lists: number,
  f: number,
  start: number,
  end: number,
  flags: number,
): void {
  const { order, data, rows, goesLeft, scratchOrder, constant, listOf, featureOf } = ws;
  const chosen = listOf[f];
  for (let list = 0; list < lists; list++) {
    if (list === chosen) continue;
    const offset = list * m;
    if (list > 0) {
      // A sorted feature constant in this node is never searched below it: leave its list alone.
      const feature = featureOf[list];
      if (constant[flags + feature] === 1) continue;
      const column = feature * rows;
      if (
        data[column + order[offset + end - 1]] <=
        data[column + order[offset + start]] + FEATURE_THRESHOLD
      ) {
        constant[flags + feature] = 1;
        continue;
      }
    }
    // Branch-free: a sample's side is as unpredictable as a coin, so write it to both places and
    // advance only the side it belongs to.
    let l = offset + start;
    let r = 0;
    for (let k = offset + start; k < offset + end; k++) {
      const id = order[k];
      const left = goesLeft[id];
      order[l] = id;
      scratchOrder[r] = id;
      l += left;
      r += 1 - left;
    }
    for (let k = 0; k < r; k++) order[l + k] = scratchOrder[k];
  }
}
