/** What each model's stable name means to a reader; a name not listed here is shown as it is. */
const modelNames = {
  popularity_v2: 'Popularity · boosted trees',
  rating_v2: 'Rating · boosted trees',
  pre_release_popularity: 'Popularity · before release',
  pre_release_rating: 'Rating · before release',
  linear_popularity: 'Popularity · linear',
  linear_vote_average: 'Rating · linear',
  rf_regression: 'Popularity · random forest',
  rf_classification: 'High rating · classifier',
};

export function modelName(model) {
  return modelNames[model] ?? model;
}
