"""10 - The scikit-learn-style API: MLPClassifier and MLPRegressor in pipelines and grid searches.

neuronet's estimators follow scikit-learn's conventions (fit returns the estimator, settings in
get_params/set_params, results in attributes ending in "_"), so scikit-learn's own tools work on them.
This example needs scikit-learn (for the digits and those tools); neuronet itself does not.

    python examples/10_sklearn_api.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import neuronet as nn
from neuronet import datasets, viz

NAMES = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (X_train, y_train), (X_test, y_test) = datasets.load("digits")
    # Labels can be anything sortable: here the digits' names. predict answers in the same labels.
    y_train, y_test = NAMES[y_train], NAMES[y_test]

    clf = nn.MLPClassifier(hidden_layers=(64,), epochs=30, batch_size=32, lr=3e-3)
    scores = cross_val_score(clf, X_train, y_train, cv=3)
    print(f"3-fold cross-validation accuracy: {scores.mean():.1%} (± {scores.std():.1%})")

    # A pipeline's steps are tuned together; parameters are named <step>__<parameter>.
    pipe = make_pipeline(StandardScaler(), nn.MLPClassifier(epochs=30, batch_size=32))
    grid = {"mlpclassifier__hidden_layers": [(32,), (64,)], "mlpclassifier__lr": [1e-3, 3e-3]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
    print(f"best settings: {search.best_params_}  (cv accuracy {search.best_score_:.1%})")
    print(f"test accuracy of the best pipeline: {search.score(X_test, y_test):.1%}")

    clf.fit(X_train, y_train)
    print(f"test accuracy: {clf.score(X_test, y_test):.1%} after {clf.n_iter_} epochs")
    print(f"first test images: {clf.predict(X_test[:5]).tolist()}")

    # An ordinary neuronet model file (`neuronet info` reads it) with the estimator's settings and
    # classes inside; loading it gives back an estimator that predicts exactly the same.
    model = out / "digits_mlp.npz"
    clf.save(model)
    again = nn.MLPClassifier.load(model)
    assert (again.predict(X_test) == clf.predict(X_test)).all()
    print(f"saved to {model} and loaded back: same predictions")

    # Regression: y of shape (n,) or (n, k); predictions come back in the same shape.
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(400, 1))
    reg = nn.MLPRegressor(hidden_layers=(32, 32), activation="tanh", epochs=300, batch_size=32, lr=3e-3)
    reg.fit(x, np.sin(x[:, 0]))
    grid_x = np.linspace(-3, 3, 7)[:, None]
    print(f"sin fit: R² {reg.score(x, np.sin(x[:, 0])):.3f}; "
          f"max error on a grid {np.abs(reg.predict(grid_x) - np.sin(grid_x[:, 0])).max():.3f}")

    viz.plot_history(clf.history_, path=out / "10_sklearn_history.png")
    viz.plot_confusion(np.searchsorted(clf.classes_, y_test),
                       np.searchsorted(clf.classes_, clf.predict(X_test)),
                       class_names=list(clf.classes_), path=out / "10_sklearn_confusion.png")
    print(f"figures in {out}: 10_sklearn_history.png, 10_sklearn_confusion.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
