"""ROUGE as an `evaluate` metric module, shipped with the course so it loads offline.

Drop-in for `evaluate.load("rouge")`: same keys (rouge1, rouge2, rougeL, rougeLsum), same
F-measure values per example, same options. One deliberate difference: the aggregate is the
exact mean of the per-example F-measures, where the hub version reports the median of a
(randomly seeded) bootstrap of that mean, which differs from it in the last digits.
"""

import datasets
import evaluate
import numpy as np
from rouge_score import rouge_scorer

_DESCRIPTION = """\
ROUGE (Recall-Oriented Understudy for Gisting Evaluation) compares a generated summary with one
or more reference summaries by overlapping units: rouge1 (unigrams), rouge2 (bigrams), rougeL
(longest common subsequence over the whole text) and rougeLsum (LCS computed per line, with
lines split on newlines, then combined). Scores are F-measures in [0, 1]; computed with the
`rouge_score` package.
"""

_CITATION = """\
@inproceedings{lin-2004-rouge,
    title = "{ROUGE}: A Package for Automatic Evaluation of Summaries",
    author = "Lin, Chin-Yew",
    booktitle = "Text Summarization Branches Out",
    year = "2004",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/W04-1013",
    pages = "74--81",
}
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: list of generated texts, one per example.
    references: list of reference texts, or list of lists of references (best one is scored).
    rouge_types: subset of ["rouge1", "rouge2", "rougeL", "rougeLsum"] (default: all four).
    use_aggregator: True returns the mean F-measure per type, False a list per example.
    use_stemmer: apply the Porter stemmer before matching ("cats" matches "cat").
    tokenizer: optional callable str -> list[str] replacing the default tokenizer.
Returns:
    dict mapping each rouge type to a float (aggregated) or a list of floats.
Examples:
    >>> rouge = evaluate.load("helpers/metric_modules/rouge")
    >>> rouge.compute(predictions=["the cat sat"], references=["the cat sat down"])["rouge1"]
    0.857...
"""

DEFAULT_ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


class _CallableTokenizer:
    """Adapts a plain callable to the tokenizer interface rouge_score expects."""

    def __init__(self, fn):
        self.fn = fn

    def tokenize(self, text):
        return self.fn(text)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Rouge(evaluate.Metric):
    """ROUGE-1/2/L/Lsum F-measures via rouge_score."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features(
                    {
                        "predictions": datasets.Value("string", id="sequence"),
                        "references": datasets.Sequence(datasets.Value("string", id="sequence")),
                    }
                ),
                datasets.Features(
                    {
                        "predictions": datasets.Value("string", id="sequence"),
                        "references": datasets.Value("string", id="sequence"),
                    }
                ),
            ],
            codebase_urls=["https://github.com/google-research/google-research/tree/master/rouge"],
            reference_urls=["https://aclanthology.org/W04-1013"],
        )

    def _compute(
        self,
        predictions,
        references,
        rouge_types=None,
        use_aggregator=True,
        use_stemmer=False,
        tokenizer=None,
    ):
        rouge_types = list(rouge_types or DEFAULT_ROUGE_TYPES)
        if tokenizer is not None:
            tokenizer = _CallableTokenizer(tokenizer)
        scorer = rouge_scorer.RougeScorer(
            rouge_types=rouge_types, use_stemmer=use_stemmer, tokenizer=tokenizer
        )
        per_type = {t: [] for t in rouge_types}
        for ref, pred in zip(references, predictions):
            if isinstance(ref, (list, tuple)):
                score = scorer.score_multi(ref, pred)
            else:
                score = scorer.score(ref, pred)
            for t in rouge_types:
                per_type[t].append(float(score[t].fmeasure))
        if not use_aggregator:
            return per_type
        return {t: float(np.mean(v)) if v else 0.0 for t, v in per_type.items()}
