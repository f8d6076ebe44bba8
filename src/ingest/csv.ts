/** One record of a CSV file and the line it starts on (quoted fields may span several lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record breaks RFC 4180 quoting; its fields are then unreliable. */
  error?: string;
}

/**
 * An RFC 4180 reader: comma-separated, fields optionally in double quotes, `""` for a quote
 * inside quotes, CRLF or LF between records, commas and line breaks allowed inside quotes.
 * Blank lines are skipped. A quoting mistake spoils only its own record, which is returned with
 * an error so the caller can report it by line and go on.
 */
export function* readCsv(text: string): Generator<CsvRecord> {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const length = input.length;
  let position = 0;
  let line = 1;
  while (position < length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let atFieldStart = true;
    let endOfRecord = false;
    while (!endOfRecord) {
      if (position >= length) {
        fields.push(field);
        break;
      }
      const char = input[position];
      if (atFieldStart && char === '"') {
        position += 1;
        atFieldStart = false;
        let closed = false;
        while (position < length) {
          const quoted = input[position];
          if (quoted === '"') {
            if (input[position + 1] === '"') {
              field += '"';
              position += 2;
              continue;
            }
            position += 1;
            closed = true;
            break;
          }
          if (quoted === '\n') line += 1;
          field += quoted;
          position += 1;
        }
        if (!closed) {
          error ??= 'a quoted field is never closed';
          fields.push(field);
          break;
        }
        const next = input[position];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          error ??= `unexpected ${JSON.stringify(next)} after a closing quote`;
        }
        continue;
      }
      if (char === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        position += 1;
        continue;
      }
      if (char === '\r' || char === '\n') {
        position += char === '\r' && input[position + 1] === '\n' ? 2 : 1;
        line += 1;
        fields.push(field);
        endOfRecord = true;
        continue;
      }
      if (char === '"') error ??= 'a quote inside an unquoted field';
      field += char;
      atFieldStart = false;
      position += 1;
    }
    if (fields.length === 1 && fields[0] === '' && !error) continue;
    yield error ? { line: startLine, fields, error } : { line: startLine, fields };
  }
}
