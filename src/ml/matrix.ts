/**
 * A dense matrix stored column by column: column j occupies data[j * rows, (j + 1) * rows).
 * Column-major because every kernel here scans one feature across all samples.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function createMatrix(rows: number, cols: number, data = new Float64Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${rows} × ${cols}`);
  }
  return { rows, cols, data };
}

/** Builds a matrix from row-major records, e.g. one array of features per film. */
export function matrixFromRows(rowsOfValues: ReadonlyArray<ArrayLike<number>>, cols?: number): Matrix {
  const rows = rowsOfValues.length;
  const width = cols ?? (rows > 0 ? rowsOfValues[0].length : 0);
  const data = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const row = rowsOfValues[i];
    if (row.length !== width) throw new RangeError(`row ${i} has ${row.length} values, expected ${width}`);
    for (let j = 0; j < width; j++) data[j * rows + i] = row[j];
  }
  return { rows, cols: width, data };
}

export function column(matrix: Matrix, j: number): Float64Array {
  return matrix.data.subarray(j * matrix.rows, (j + 1) * matrix.rows);
}

/** The rows listed in `indices`, in that order. */
export function selectRows(matrix: Matrix, indices: ArrayLike<number>): Matrix {
  const rows = indices.length;
  const data = new Float64Array(rows * matrix.cols);
  for (let j = 0; j < matrix.cols; j++) {
    const from = j * matrix.rows;
    const to = j * rows;
    for (let i = 0; i < rows; i++) data[to + i] = matrix.data[from + indices[i]];
  }
  return { rows, cols: matrix.cols, data };
}

export function selectValues<T extends Float64Array | Int32Array>(values: T, indices: ArrayLike<number>): T {
  const out = new (values.constructor as new (length: number) => T)(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}
