const numberFormats = new Map();

/** A number with a fixed count of decimals, or an em dash when there is none. */
export function fixed(value, decimals = 2) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  let format = numberFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    numberFormats.set(decimals, format);
  }
  return format.format(value);
}

/** A film's rating out of 10; a film nobody has voted on has none (the API sends null). */
export function rating(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${fixed(value, 1)}/10` : 'no votes yet';
}

export function integer(value) {
  return fixed(value, 0);
}

export function percent(value, decimals = 1) {
  return typeof value === 'number' ? `${fixed(value * 100, decimals)}%` : '—';
}

/** "5 min ago", "3 h ago", "2 d ago": enough to tell whether the schedule is running. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

export function clock(date) {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Long titles break chart axes: cut them, keeping the full title for tooltips. */
export function shorten(text, length = 28) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** A film's release year: the answer's own, else read from its release date; null when unknown. */
export function yearOf(film) {
  if (typeof film.year === 'number') return film.year;
  return typeof film.release_date === 'string' && film.release_date.length >= 4
    ? film.release_date.slice(0, 4)
    : null;
}
