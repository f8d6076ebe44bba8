#!/usr/bin/env python3
"""CPU seconds per fold of scikit-learn's HistGradientBoostingRegressor, fitted and asked to predict
on the very matrices and folds bench:ml uses for the boosted models (bench:ml writes them to a
JSON file and runs this with OMP_NUM_THREADS=1, so scikit-learn uses one core as Horrorcast does).

usage: sklearn-hgb.py INPUT.json    prints one JSON object: model name -> seconds per fold, and
                                    "version": scikit-learn's version
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor


def seconds_per_fold(features, target, folds, loss):
    total = 0.0
    for train, test in folds:
        started = time.process_time()
        model = HistGradientBoostingRegressor(loss=loss, random_state=42).fit(features[train], target[train])
        model.predict(features[test])
        total += time.process_time() - started
    return total / len(folds)


def main(path):
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    folds = [(np.array(fold["train"]), np.array(fold["test"])) for fold in data["folds"]]
    analysis, pre_release = np.array(data["analysis"]), np.array(data["pre_release"])
    popularity, rating = np.array(data["popularity"]), np.array(data["rating"])
    print(json.dumps({
        "version": sklearn.__version__,
        "popularity_v2": seconds_per_fold(analysis, popularity, folds, "absolute_error"),
        "rating_v2": seconds_per_fold(analysis, rating, folds, "squared_error"),
        "pre_release_popularity": seconds_per_fold(pre_release, popularity, folds, "absolute_error"),
        "pre_release_rating": seconds_per_fold(pre_release, rating, folds, "squared_error"),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
