/**
 * Contributions in words a producer understands: each feature's push on one prediction, labelled
 * with the film's own value ("October release: +1.8", "Budget known: −0.4").
 */

export interface Contribution {
  readonly feature: string;
  readonly label: string;
  /** On the target's own scale: popularity points or rating points. */
  readonly value: number;
}

/** How many contributions an answer lists. */
export const TOP_CONTRIBUTIONS = 5;

/** Month names in English, January first: what the dashboard and the explanations print. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const GENRE_FLAGS: Record<string, string> = {
  genre_thriller: 'Thriller',
  genre_mystery: 'Mystery',
  genre_scifi: 'Science fiction',
  genre_fantasy: 'Fantasy',
};

function yesNo(value: number, yes: string, no: string): string {
  return value > 0 ? yes : no;
}

function dollars(amount: number): string {
  if (amount >= 1e6) return `$${(amount / 1e6).toFixed(amount >= 1e7 ? 0 : 1)} million`;
  if (amount >= 1e3) return `$${Math.round(amount / 1e3)} thousand`;
  return `$${Math.round(amount)}`;
}

/**
 * The label of a feature with the film's value. `names` gives readable names of one-hot columns
 * (company ids to company names); unknown features keep their name.
 */
export function featureLabel(
  feature: string,
  value: number,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  const [kind, key] = feature.includes(':')
    ? [feature.slice(0, feature.indexOf(':')), feature.slice(feature.indexOf(':') + 1)]
    : [feature, ''];
  const readable = names.get(feature) ?? key;
  if (kind in GENRE_FLAGS) return yesNo(value, GENRE_FLAGS[kind], `Not ${GENRE_FLAGS[kind].toLowerCase()}`);
  switch (kind) {
    case 'runtime':
      return `Runtime ${Math.round(value)} min`;
    case 'vote_count':
      return `${Math.round(value)} votes`;
    case 'release_year':
      return `Released in ${Math.round(value)}`;
    case 'release_month':
      return `${MONTH_NAMES[Math.min(Math.max(Math.round(value), 1), 12) - 1]} release`;
    case 'release_decade':
      return `Released in the ${Math.round(value)}s`;
    case 'is_october':
      return yesNo(value, 'October release', 'Not an October release');
    case 'is_summer':
      return yesNo(value, 'Summer release', 'Not a summer release');
    case 'is_holiday':
      return yesNo(value, 'November–December release', 'Not a November–December release');
    case 'genre_count':
      return `${Math.round(value)} genres`;
    case 'is_english':
      return yesNo(value, 'In English', 'Not in English');
    case 'budget_known':
      return yesNo(value, 'Budget known', 'Budget unknown');
    case 'log_budget':
      return value > 0 ? `Budget ${dollars(Math.expm1(value))}` : 'No budget given';
    case 'company_count':
      return `${Math.round(value)} production companies`;
    case 'frequent_company_count':
      return `${Math.round(value)} frequent production companies`;
    case 'has_frequent_company':
      return yesNo(value, 'A frequent production company', 'No frequent production company');
    case 'company':
      return yesNo(value, `Produced by ${readable}`, `Not produced by ${readable}`);
    case 'country_count':
      return `${Math.round(value)} production countries`;
    case 'country':
      return yesNo(value, `Produced in ${readable}`, `Not produced in ${readable}`);
    case 'in_collection':
      return yesNo(value, 'Sequel (part of a collection)', 'Not a sequel');
    case 'keyword':
      return yesNo(value, `Keyword “${readable}”`, `No keyword “${readable}”`);
    default:
      return feature;
  }
}

/** "October release: +1.8" */
export function contributionInWords(contribution: Contribution, digits = 1): string {
  const sign = contribution.value < 0 ? '−' : '+';
  return `${contribution.label}: ${sign}${Math.abs(contribution.value).toFixed(digits)}`;
}

/**
 * The features that push one prediction most, strongest first; features whose labels read the
 * same are summed. `values` are on the target's scale; `row` is the film's feature values.
 */
export function topContributions(
  features: readonly string[],
  row: ArrayLike<number>,
  values: ArrayLike<number>,
  names?: ReadonlyMap<string, string>,
  limit = TOP_CONTRIBUTIONS,
): Contribution[] {
  // Features that say the same thing (release_month 10 and is_october) are one push in words.
  const byLabel = new Map<string, Contribution>();
  features.forEach((feature, j) => {
    const label = featureLabel(feature, row[j], names);
    const known = byLabel.get(label);
    byLabel.set(label, { feature: known?.feature ?? feature, label, value: (known?.value ?? 0) + values[j] });
  });
  return [...byLabel.values()]
    .filter((entry) => entry.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, limit);
}
