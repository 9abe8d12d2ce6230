"""Recall as an `evaluate` metric module, shipped with the course so it loads offline."""

import datasets
import evaluate
import numpy as np
from sklearn.metrics import recall_score

_DESCRIPTION = """\
Recall is the fraction of actual positives that were found: TP / (TP + FN).
Computed with scikit-learn; multi-class tasks average per-class scores (see `average`).
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
    predictions: predicted integer labels (lists of 0/1 indicators with config "multilabel").
    references: true integer labels, same length as predictions.
    labels: labels to include (and their order when average=None); default: all seen.
    pos_label: the positive class when average="binary" (default 1).
    average: "binary" (default), "micro", "macro", "weighted", "samples" or None
        (None returns one score per label, as a list).
    sample_weight: optional per-example weights.
    zero_division: value used when a denominator is 0: "warn" (0 with a warning), 0, 1 or nan.
Returns:
    {"recall": float}, or {"recall": list of floats} when average=None.
Examples:
    >>> m = evaluate.load("helpers/metric_modules/recall")
    >>> m.compute(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1])["recall"]
    1.0
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Recall(evaluate.Metric):
    """Recall via sklearn.metrics.recall_score."""

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
                "https://scikit-learn.org/stable/modules/generated/sklearn.metrics.recall_score.html"
            ],
        )

    def _compute(
        self,
        predictions,
        references,
        labels=None,
        pos_label=1,
        average="binary",
        sample_weight=None,
        zero_division="warn",
    ):
        score = recall_score(
            references,
            predictions,
            labels=labels,
            pos_label=pos_label,
            average=average,
            sample_weight=sample_weight,
            zero_division=zero_division,
        )
        score = np.asarray(score, dtype=float)
        return {"recall": float(score) if score.ndim == 0 else score.tolist()}
