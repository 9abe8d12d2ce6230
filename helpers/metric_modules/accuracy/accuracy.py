"""Accuracy as an `evaluate` metric module, shipped with the course so it loads offline."""

import datasets
import evaluate
from sklearn.metrics import accuracy_score

_DESCRIPTION = """\
Accuracy is the fraction of predictions equal to their reference label:
(TP + TN) / (TP + TN + FP + FN) for a binary task. Computed with scikit-learn.
"""

_CITATION = """\
@article{scikit-learn,
  title={Scikit-learn: Machine Learning in {P}ython},
  author={Pedregosa, F. and Varoquaux, G. and Gramfort, A. and Michel, V. and Thirion, B. and
          Grisel, O. and Blondel, M. and Prettenhofer, P. and Weiss, R. and Dubourg, V. and
          Vanderplas, J. and Passos, A. and Cournapeau, D. and Brucher, M. and Perrot, M. and
          Duchesnay, E.},
  journal={Journal of Machine Learning Research},
  volume={12},
  pages={2825--2830},
  year={2011}
}
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted integer labels (lists of labels with config "multilabel").
    references: true integer labels, same length as predictions.
    normalize: True returns the fraction correct, False the number correct.
    sample_weight: optional per-example weights.
Returns:
    {"accuracy": float}
Examples:
    >>> acc = evaluate.load("helpers/metric_modules/accuracy")
    >>> acc.compute(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1])
    {'accuracy': 0.75}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Accuracy(evaluate.Metric):
    """Fraction of correct predictions via sklearn.metrics.accuracy_score."""

    def _info(self):
        label = datasets.Value("int32")
        if self.config_name == "multilabel":
            label = datasets.Sequence(datasets.Value("int32"))
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": label, "references": label}),
            reference_urls=[
                "https://scikit-learn.org/stable/modules/generated/sklearn.metrics.accuracy_score.html"
            ],
        )

    def _compute(self, predictions, references, normalize=True, sample_weight=None):
        score = accuracy_score(
            references, predictions, normalize=normalize, sample_weight=sample_weight
        )
        return {"accuracy": float(score)}
