# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 - The scikit-learn API: MLPClassifier and MLPRegressor in pipelines and grid searches
#
# neuronet's estimators follow scikit-learn's conventions (`fit` returns the estimator, settings in
# `get_params`/`set_params`, results in attributes ending in "_"), so scikit-learn's own tools work
# on them. Needs scikit-learn; neuronet itself does not.
# (Source: `examples/notebooks/10_sklearn_api.py`, the notebook of `examples/10_sklearn_api.py`.)

# %%
# %matplotlib inline
import numpy as np
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import neuronet as nn
from neuronet import datasets, viz

NAMES = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
(X_train, y_train), (X_test, y_test) = datasets.load("digits")
# Labels can be anything sortable: here the digits' names. predict answers in the same labels.
y_train, y_test = NAMES[y_train], NAMES[y_test]

# %% [markdown]
# Cross-validation: scikit-learn trains and scores a fresh copy of the estimator on each fold.

# %%
clf = nn.MLPClassifier(hidden_layers=(64,), epochs=10, batch_size=32, lr=3e-3)
scores = cross_val_score(clf, X_train, y_train, cv=3)
print(f"3-fold cross-validation accuracy: {scores.mean():.1%} (± {scores.std():.1%})")

# %% [markdown]
# A grid search over a pipeline: its steps are tuned together, parameters named
# `<step>__<parameter>`.

# %%
pipe = make_pipeline(StandardScaler(), nn.MLPClassifier(epochs=10, batch_size=32))
grid = {"mlpclassifier__hidden_layers": [(32,), (64,)], "mlpclassifier__lr": [1e-3, 3e-3]}
search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
print(f"best settings: {search.best_params_}  (cv accuracy {search.best_score_:.1%})")
print(f"test accuracy of the best pipeline: {search.score(X_test, y_test):.1%}")

# %% [markdown]
# One estimator trained on all the training data; it answers in the digits' names.

# %%
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.1%} after {clf.n_iter_} epochs")
print(f"first test images: {clf.predict(X_test[:5]).tolist()}")
viz.plot_confusion(np.searchsorted(clf.classes_, y_test), np.searchsorted(clf.classes_, clf.predict(X_test)),
                   class_names=list(clf.classes_))

# %% [markdown]
# Saved as an ordinary neuronet model file (`neuronet info` reads it) with the estimator's settings
# and classes inside; loading it gives back an estimator that predicts exactly the same.

# %%
clf.save("digits_mlp.npz")
again = nn.MLPClassifier.load("digits_mlp.npz")
assert (again.predict(X_test) == clf.predict(X_test)).all()
clf.history_

# %% [markdown]
# Regression: y of shape (n,) or (n, k), predictions in the same shape. Here a fit of sin(x):

# %%
rng = np.random.default_rng(0)
x = rng.uniform(-3, 3, size=(400, 1))
reg = nn.MLPRegressor(hidden_layers=(32, 32), activation="tanh", epochs=150, batch_size=32, lr=3e-3)
reg.fit(x, np.sin(x[:, 0]))
grid_x = np.linspace(-3, 3, 7)[:, None]
print(f"sin fit: R² {reg.score(x, np.sin(x[:, 0])):.3f}; "
      f"max error on a grid {np.abs(reg.predict(grid_x) - np.sin(grid_x[:, 0])).max():.3f}")
